/// ShapeClassifier: names a region's shape from its moments and a polygon-like radial fit — ring (a hole),
/// star (concave), ellipse (elongated), then circle / square / triangle by how far the outline's distance
/// from the centre varies (1 for a circle, √2 for a square, 2 for a triangle) — or "object".

/// The shapes the built-in locator can name.
public enum ShapeName: String, Sendable, CaseIterable {
    case circle, square, triangle, star, ring, ellipse, object

    /// Area of the filled unit shape (half-extent 1), matching the demo world's geometry; turns a pixel area
    /// into a half-extent for the size word.
    var unitFilledArea: Double {
        switch self {
        case .circle, .ring, .object: return Double.pi
        case .ellipse: return Double.pi * 0.6
        case .square: return 1.76 * 1.76
        case .triangle: return 3 * 3.0.squareRoot() / 4
        case .star: return 5 * 0.45 * 0.587_785
        }
    }
}

/// Decides a region's shape.
public struct ShapeClassifier: Sendable {
    public init() {}

    /// The shape of `region` (objects under ~20 pixels are just "object").
    public func classify(_ region: Region) -> ShapeName {
        guard region.filledArea >= 20 else { return .object }
        let holeFraction = Double(region.holeArea) / Double(region.filledArea)
        let elongation = region.principalSpreads.major / max(region.principalSpreads.minor, 1e-6)
        let profile = smoothed(region.radialProfile())
        let roundness = (profile.max() ?? 1) / max(profile.min() ?? 1, 0.5)
        if holeFraction > 0.12 { return roundness < 1.35 ? .ring : .object }
        if region.solidity < 0.78 { return .star }
        if elongation > 1.3 { return .ellipse }
        if roundness < 1.22 { return .circle }
        if roundness < 1.7 { return .square }
        if roundness < 2.6 { return .triangle }
        return .object
    }

    /// A circular 3-point median, so single-pixel notches do not dominate the extremes.
    private func smoothed(_ values: [Double]) -> [Double] {
        values.indices.map { i in
            let window = [values[(i + values.count - 1) % values.count], values[i], values[(i + 1) % values.count]].sorted()
            return window[1]
        }
    }
}

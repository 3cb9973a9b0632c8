/// The non-diffusion baseline: cut the dragged object out (the built-in locator's region, grown by a
/// pixel for its anti-aliased edge), fill the hole from the nearest background pixels around it, and
/// paste the object back warped by the per-axis scale and translation that best fit the drags (least
/// squares; one pair, or handles in a line along an axis, give a translation on that axis). Only the
/// mask changes.
import LucidImage
import LucidReasoning

/// Cut, fill, warp and paste inside the mask.
public struct CopyPasteWarp: Sendable {
    /// Scales are kept in this range.
    public var scaleRange: ClosedRange<Double> = 0.3...3

    public init() {}

    /// The per-axis map `x' = scale.x·x + shift.x`, `y' = scale.y·y + shift.y` fitted to `pairs`.
    public func fit(_ pairs: [DragPair]) -> (scale: PixelPoint, shift: PixelPoint) {
        func axis(_ from: [Double], _ to: [Double]) -> (Double, Double) {
            let n = Double(from.count)
            let meanFrom = from.reduce(0, +) / n, meanTo = to.reduce(0, +) / n
            let spread = from.map { ($0 - meanFrom) * ($0 - meanFrom) }.reduce(0, +)
            guard spread >= 4 else { return (1, meanTo - meanFrom) }
            let covariance = zip(from, to).map { ($0 - meanFrom) * ($1 - meanTo) }.reduce(0, +)
            let scale = min(max(covariance / spread, scaleRange.lowerBound), scaleRange.upperBound)
            return (scale, meanTo - scale * meanFrom)
        }
        let x = axis(pairs.map(\.handle.x), pairs.map(\.target.x))
        let y = axis(pairs.map(\.handle.y), pairs.map(\.target.y))
        return (PixelPoint(x: x.0, y: y.0), PixelPoint(x: x.1, y: y.1))
    }

    /// The edited image; the input itself when the locator finds no object under the first handle.
    public func apply(to input: ReasoningInput) -> RasterImage {
        let image = input.image.toRGB(), mask = input.mask
        guard let region = RegionLocator().locate(in: image, mask: mask, handle: input.pairs[0].handle) else { return image }
        let object = grown(region.filled)
        let width = image.width, height = image.height
        var output = image
        // Fill the object's pixels from the nearest background pixel in each of the four directions,
        // weighted by inverse distance (smooth across flat and gradient backgrounds).
        for y in 0..<height {
            for x in 0..<width where object[x, y] && mask[x, y] {
                var sum = [0.0, 0.0, 0.0], weight = 0.0
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    var u = x + dx, v = y + dy, distance = 1.0
                    while u >= 0, v >= 0, u < width, v < height, object[u, v] { (u, v, distance) = (u + dx, v + dy, distance + 1) }
                    guard u >= 0, v >= 0, u < width, v < height else { continue }
                    for c in 0..<3 { sum[c] += Double(image[u, v, c]) / distance }
                    weight += 1 / distance
                }
                if weight > 0 { for c in 0..<3 { output[x, y, c] = UInt8((sum[c] / weight).rounded()) } }
            }
        }
        // Paste: every mask pixel whose preimage lies on the object takes the object's colour there.
        let (scale, shift) = fit(input.pairs)
        for y in 0..<height {
            for x in 0..<width where mask[x, y] {
                let u = Int(((Double(x) - shift.x) / scale.x).rounded()), v = Int(((Double(y) - shift.y) / scale.y).rounded())
                guard u >= 0, v >= 0, u < width, v < height, object[u, v] else { continue }
                for c in 0..<3 { output[x, y, c] = image[u, v, c] }
            }
        }
        return output
    }

    /// `mask` grown by one pixel (8-neighbourhood).
    private func grown(_ mask: BinaryMask) -> BinaryMask {
        var out = mask
        for y in 0..<mask.height {
            for x in 0..<mask.width where !mask[x, y] {
                outer: for v in max(0, y - 1)...min(mask.height - 1, y + 1) {
                    for u in max(0, x - 1)...min(mask.width - 1, x + 1) where mask[u, v] {
                        out.values[y * mask.width + x] = true
                        break outer
                    }
                }
            }
        }
        return out
    }
}

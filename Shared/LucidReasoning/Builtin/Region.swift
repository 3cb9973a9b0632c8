/// Region: a connected set of pixels (the object under the handles) and the geometry the built-in
/// locator and reasoner read from it: area, centroid, second moments, holes, convexity, radial extent.
import Foundation
import LucidImage

/// The located object: its pixels and measured geometry.
public struct Region: Sendable {
    /// The object's pixels.
    public let pixels: BinaryMask
    /// The pixels with interior holes filled (a ring becomes a disc).
    public let filled: BinaryMask
    /// The object's mean colour.
    public let colour: RGB
    /// Pixel count of `pixels`.
    public let area: Int
    /// Pixel count of `filled`.
    public let filledArea: Int
    /// Centre of mass of `filled`, in pixel coordinates.
    public let centroid: PixelPoint
    /// Square roots of the second-moment eigenvalues of `filled`, largest first (spread along the main axes).
    public let principalSpreads: (major: Double, minor: Double)
    /// `area` over the area of the convex hull of `filled` (about 1 for convex shapes, ~0.55 for a star).
    public let solidity: Double
    /// Inclusive bounding box of `filled`: x0, y0, x1, y1.
    public let bounds: (x0: Int, y0: Int, x1: Int, y1: Int)

    /// Measures the region whose pixels are `pixels` (must be non-empty) with mean colour `colour`.
    init(pixels: BinaryMask, colour: RGB) {
        self.pixels = pixels
        self.colour = colour
        self.area = pixels.count
        let filled = Region.fillHoles(pixels)
        self.filled = filled
        var count = 0, sx = 0.0, sy = 0.0, x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
        for y in 0..<filled.height {
            for x in 0..<filled.width where filled.values[y * filled.width + x] {
                count += 1
                sx += Double(x)
                sy += Double(y)
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
            }
        }
        self.filledArea = count
        let cx = sx / Double(max(count, 1)), cy = sy / Double(max(count, 1))
        self.centroid = PixelPoint(x: cx, y: cy)
        self.bounds = (x0, y0, x1, y1)
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for y in y0...max(y0, y1) {
            for x in x0...max(x0, x1) where filled[x, y] {
                let dx = Double(x) - cx, dy = Double(y) - cy
                sxx += dx * dx; syy += dy * dy; sxy += dx * dy
            }
        }
        let n = Double(max(count, 1))
        let (a, b, c) = (sxx / n, syy / n, sxy / n)
        let mean = (a + b) / 2, diff = (((a - b) / 2) * ((a - b) / 2) + c * c).squareRoot()
        self.principalSpreads = ((mean + diff).squareRoot(), max(mean - diff, 0).squareRoot())
        let hullArea = Region.convexHullArea(of: filled, x0: x0, y0: y0, x1: x1, y1: y1)
        self.solidity = hullArea > 0 ? min(1, Double(count) / hullArea) : 1
    }

    /// Pixel count of the holes inside the object.
    public var holeArea: Int { filledArea - area }

    /// Distance from the centroid to the edge of the filled region along `direction` (any length),
    /// measured to the last filled pixel on the ray plus half a pixel.
    public func extent(towards direction: PixelPoint) -> Double {
        let length = direction.length
        guard length > 0 else { return 0 }
        let ux = direction.x / length, uy = direction.y / length
        let corners = [(bounds.x0, bounds.y0), (bounds.x1, bounds.y0), (bounds.x0, bounds.y1), (bounds.x1, bounds.y1)]
        let limit = corners.map { PixelPoint(x: Double($0.0) - centroid.x, y: Double($0.1) - centroid.y).length }.max()! + 1
        var last = 0.0
        var t = 0.0
        while t < limit {
            let x = Int((centroid.x + t * ux).rounded()), y = Int((centroid.y + t * uy).rounded())
            if x < 0 || y < 0 || x >= filled.width || y >= filled.height { break }
            if filled[x, y] { last = t }
            t += 0.25
        }
        return last + 0.5
    }

    /// The region's extent sampled every `step` degrees around the centroid.
    public func radialProfile(step: Double = 5) -> [Double] {
        stride(from: 0.0, to: 360.0, by: step).map { degrees in
            let a = degrees * .pi / 180
            return extent(towards: PixelPoint(x: cos(a), y: sin(a)))
        }
    }

    /// The mask with every background pocket not connected to the bounding box's outside set.
    static func fillHoles(_ mask: BinaryMask) -> BinaryMask {
        let w = mask.width, h = mask.height
        var outside = [Bool](repeating: false, count: w * h)
        var stack = [Int]()
        for x in 0..<w { stack.append(x); stack.append((h - 1) * w + x) }
        for y in 0..<h { stack.append(y * w); stack.append(y * w + w - 1) }
        while let i = stack.popLast() {
            guard !outside[i], !mask.values[i] else { continue }
            outside[i] = true
            let x = i % w, y = i / w
            if x > 0 { stack.append(i - 1) }
            if x < w - 1 { stack.append(i + 1) }
            if y > 0 { stack.append(i - w) }
            if y < h - 1 { stack.append(i + w) }
        }
        var filled = mask
        for i in 0..<(w * h) where !outside[i] { filled.values[i] = true }
        return filled
    }

    /// Area of the convex hull of the set pixels' squares (their corner points).
    static func convexHullArea(of mask: BinaryMask, x0: Int, y0: Int, x1: Int, y1: Int) -> Double {
        guard x1 >= x0, y1 >= y0 else { return 0 }
        // Per row only the leftmost and rightmost set pixels can contribute hull corners.
        var points = [(Double, Double)]()
        for y in y0...y1 {
            var left = -1, right = -1
            for x in x0...x1 where mask[x, y] {
                if left < 0 { left = x }
                right = x
            }
            guard left >= 0 else { continue }
            let top = Double(y) - 0.5, bottom = Double(y) + 0.5
            points += [(Double(left) - 0.5, top), (Double(left) - 0.5, bottom),
                       (Double(right) + 0.5, top), (Double(right) + 0.5, bottom)]
        }
        points.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        func cross(_ o: (Double, Double), _ a: (Double, Double), _ b: (Double, Double)) -> Double {
            (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
        }
        var hull = [(Double, Double)]()
        for p in points {
            while hull.count >= 2 && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        let lowerCount = hull.count + 1
        for p in points.reversed() {
            while hull.count >= lowerCount && cross(hull[hull.count - 2], hull[hull.count - 1], p) <= 0 { hull.removeLast() }
            hull.append(p)
        }
        hull.removeLast()
        var area = 0.0
        for i in 0..<hull.count {
            let a = hull[i], b = hull[(i + 1) % hull.count]
            area += a.0 * b.1 - b.0 * a.1
        }
        return abs(area) / 2
    }
}

/// RegionLocator: the built-in locator's "where" (method.md §1.1, without a model): estimate the
/// background colour around the mask, seed at the object-coloured pixel nearest the handle, and grow the
/// region by colour (flood fill) inside the mask. A handle drawn just off an object's edge may seed on a
/// speck of blended edge colour; such a speck is passed over for the next nearest seed.
import Foundation
import LucidImage

/// Finds the object under a handle point by colour clustering and flood fill.
public struct RegionLocator: Sendable {
    /// A pixel counts as object-coloured when it is at least this far (RGB distance) from the background.
    public var objectContrast: Double = 55
    /// Growth accepts pixels nearer the object colour than the background and within this distance of it.
    public var growthTolerance: Double = 70
    /// Within `nearRadius` pixels of the handle, a seed needs this fraction of the strongest contrast there.
    public var coreContrastFraction: Double = 0.75
    public var nearRadius = 6
    /// A region smaller than this many pixels (at side 128; scaled by area) is a speck of blended edge
    /// colour, not an object: the next nearest seed outside it is tried, up to `seedAttempts` seeds.
    public var minimumPixels = 9.0
    public var seedAttempts = 8

    public init() {}

    /// The region under `handle` inside `mask`; nil when the mask holds nothing that differs from the
    /// background.
    public func locate(in image: RasterImage, mask: BinaryMask, handle: PixelPoint) -> Region? {
        let background = backgroundColour(image: image, mask: mask)
        let side = Double(min(image.width, image.height))
        let speck = Int(minimumPixels * side * side / (128 * 128))
        var passedOver = BinaryMask(width: image.width, height: image.height)
        var largest: BinaryMask?, largestCount = 0
        for _ in 0..<max(seedAttempts, 1) {
            guard let seed = seedPixel(image: image, mask: mask, handle: handle, background: background, passedOver: passedOver)
            else { break }
            let objectColour = localColour(image: image, mask: mask, around: seed, background: background)
            let pixels = grow(image: image, mask: mask, from: seed, object: objectColour, background: background)
            let count = pixels.count
            if count > largestCount { (largest, largestCount) = (pixels, count) }
            if count >= speck { break }
            for i in pixels.values.indices where pixels.values[i] { passedOver.values[i] = true }
        }
        guard let pixels = largest else { return nil }
        return Region(pixels: pixels, colour: meanColour(image: image, of: pixels))
    }

    /// The median colour of the pixels just outside the mask (within 6 pixels of it), or of the image's
    /// border when the mask leaves too little outside.
    func backgroundColour(image: RasterImage, mask: BinaryMask) -> RGB {
        let near = dilate(mask, radius: 6)
        var samples = [Int]()
        for i in 0..<(image.width * image.height) where near.values[i] && !mask.values[i] { samples.append(i) }
        if samples.count < 16 {
            samples = (0..<(image.width * image.height)).filter {
                let x = $0 % image.width, y = $0 / image.width
                return x == 0 || y == 0 || x == image.width - 1 || y == image.height - 1
            }
        }
        func median(_ channel: Int) -> UInt8 {
            let values = samples.map { image.pixels[$0 * 3 + channel] }.sorted()
            return values[values.count / 2]
        }
        return RGB(median(0), median(1), median(2))
    }

    /// The mask pixel nearest `handle`, and not `passedOver`, whose colour stands out from the background.
    /// Near the handle the bar is raised to most of the strongest contrast around it, so that a blended
    /// edge pixel (e.g. at a star's tip) does not become the seed.
    func seedPixel(image: RasterImage, mask: BinaryMask, handle: PixelPoint, background: RGB,
                   passedOver: BinaryMask? = nil) -> (x: Int, y: Int)? {
        let hx = Int(handle.x.rounded()), hy = Int(handle.y.rounded())
        var strongest = 0.0
        for y in max(0, hy - nearRadius)...min(image.height - 1, hy + nearRadius) {
            for x in max(0, hx - nearRadius)...min(image.width - 1, hx + nearRadius) where mask[x, y] {
                strongest = max(strongest, NamedColours.distance(colour(image, x, y), background))
            }
        }
        let bar = max(objectContrast, coreContrastFraction * strongest)
        var best: (x: Int, y: Int)?
        var bestDistance = Double.infinity
        for y in 0..<image.height {
            let dy = Double(y) - handle.y
            if dy * dy >= bestDistance { continue }
            for x in 0..<image.width where mask[x, y] && !(passedOver?[x, y] ?? false) {
                let dx = Double(x) - handle.x
                let d = dx * dx + dy * dy
                if d < bestDistance, NamedColours.distance(colour(image, x, y), background) >= bar {
                    bestDistance = d
                    best = (x, y)
                }
            }
        }
        return best
    }

    /// The mean colour of the object-coloured pixels in the 5×5 window around the seed that are close to it.
    func localColour(image: RasterImage, mask: BinaryMask, around seed: (x: Int, y: Int), background: RGB) -> RGB {
        let seedColour = colour(image, seed.x, seed.y)
        var sum = (0, 0, 0), n = 0
        for y in max(0, seed.y - 2)...min(image.height - 1, seed.y + 2) {
            for x in max(0, seed.x - 2)...min(image.width - 1, seed.x + 2) where mask[x, y] {
                let c = colour(image, x, y)
                guard NamedColours.distance(c, seedColour) < 40,
                      NamedColours.distance(c, background) >= objectContrast else { continue }
                sum = (sum.0 + Int(c.red), sum.1 + Int(c.green), sum.2 + Int(c.blue))
                n += 1
            }
        }
        guard n > 0 else { return seedColour }
        return RGB(UInt8(sum.0 / n), UInt8(sum.1 / n), UInt8(sum.2 / n))
    }

    /// 4-connected flood fill inside the mask over pixels that look like the object.
    func grow(image: RasterImage, mask: BinaryMask, from seed: (x: Int, y: Int), object: RGB, background: RGB) -> BinaryMask {
        var region = BinaryMask(width: image.width, height: image.height)
        var visited = [Bool](repeating: false, count: image.width * image.height)
        var stack = [seed.y * image.width + seed.x]
        visited[stack[0]] = true
        while let i = stack.popLast() {
            let x = i % image.width, y = i / image.width
            region.values[i] = true
            for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] {
                guard nx >= 0, ny >= 0, nx < image.width, ny < image.height else { continue }
                let j = ny * image.width + nx
                guard !visited[j], mask.values[j] else { continue }
                visited[j] = true
                let c = colour(image, nx, ny)
                let toObject = NamedColours.distance(c, object)
                if toObject < growthTolerance, toObject < NamedColours.distance(c, background) {
                    stack.append(j)
                }
            }
        }
        return region
    }

    private func meanColour(image: RasterImage, of region: BinaryMask) -> RGB {
        var sum = (0, 0, 0), n = 0
        for i in 0..<(image.width * image.height) where region.values[i] {
            sum = (sum.0 + Int(image.pixels[3 * i]), sum.1 + Int(image.pixels[3 * i + 1]), sum.2 + Int(image.pixels[3 * i + 2]))
            n += 1
        }
        guard n > 0 else { return RGB(0, 0, 0) }
        return RGB(UInt8(sum.0 / n), UInt8(sum.1 / n), UInt8(sum.2 / n))
    }

    private func colour(_ image: RasterImage, _ x: Int, _ y: Int) -> RGB {
        let i = (y * image.width + x) * 3
        return RGB(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
    }

    private func dilate(_ mask: BinaryMask, radius: Int) -> BinaryMask {
        // Two separable passes of a square structuring element.
        var rows = mask
        for y in 0..<mask.height {
            for x in 0..<mask.width {
                let lo = max(0, x - radius), hi = min(mask.width - 1, x + radius)
                rows.values[y * mask.width + x] = (lo...hi).contains { mask[$0, y] }
            }
        }
        var out = rows
        for x in 0..<mask.width {
            for y in 0..<mask.height {
                let lo = max(0, y - radius), hi = min(mask.height - 1, y + radius)
                out.values[y * mask.width + x] = (lo...hi).contains { rows[x, $0] }
            }
        }
        return out
    }
}

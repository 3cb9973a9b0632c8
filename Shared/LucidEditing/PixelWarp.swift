/// The warped start's content at pixel resolution: the working image with the mask's pixels warped
/// by the intention's transform (bilinear), which the VAE then encodes. Warping latent cells
/// directly (nearest cell) repeats or drops whole 4×4-pixel cells, which the decoder reads as a
/// blocky, jagged or mottled object.
import LucidImage
import LucidTensor

public enum PixelWarp {
    /// `pixels` (`[1, C, H, W]`) with every pixel of `mask` taking the bilinear sample at the point
    /// its centre came from under `warp`. A source beyond the mask reads the nearest pixel of the
    /// mask instead, as `DragGeometry.warped` does with cells, so the warp never pulls in what lies
    /// outside the editable region; pixels outside the mask are unchanged.
    public static func warped(_ pixels: Tensor, mask: BinaryMask, warp: AffineWarp) throws -> Tensor {
        let channels = pixels.shape[1], height = pixels.shape[2], width = pixels.shape[3]
        guard mask.width == width, mask.height == height else {
            throw EditingError.invalidInput("the mask is \(mask.width)×\(mask.height) but the image is \(width)×\(height)")
        }
        let source = pixels.scalars, plane = width * height
        let nearest = nearestMaskPixel(mask)
        var values = source
        let inverse = warp.inverse
        for y in 0..<height {
            for x in 0..<width where mask[x, y] {
                let from = inverse(Double(x) + 0.5, Double(y) + 0.5)
                let fx = min(Double(width - 1), max(0, from.x - 0.5)), fy = min(Double(height - 1), max(0, from.y - 0.5))
                let x0 = Int(fx), y0 = Int(fy), x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
                let wx = Float(fx - Double(x0)), wy = Float(fy - Double(y0))
                let p00 = nearest[y0 * width + x0], p01 = nearest[y0 * width + x1]
                let p10 = nearest[y1 * width + x0], p11 = nearest[y1 * width + x1]
                for c in 0..<channels {
                    let o = c * plane
                    let top = source[o + p00] * (1 - wx) + source[o + p01] * wx
                    let bottom = source[o + p10] * (1 - wx) + source[o + p11] * wx
                    values[o + y * width + x] = top * (1 - wy) + bottom * wy
                }
            }
        }
        return try Tensor(shape: pixels.shape, values: values)
    }

    /// For every pixel, the index of its nearest pixel of `mask` (itself when it is in the mask): each
    /// pixel's candidate spreads outward from the mask over the 8-neighbourhood, and a pixel takes a
    /// neighbour's candidate when it is nearer (Euclidean) than its own, until nothing changes.
    public static func nearestMaskPixel(_ mask: BinaryMask) -> [Int] {
        let width = mask.width, height = mask.height
        var nearest = [Int](repeating: -1, count: width * height)
        var queue: [Int] = []
        for p in 0..<(width * height) where mask.values[p] {
            nearest[p] = p
            queue.append(p)
        }
        func distance(_ p: Int, _ q: Int) -> Int {
            let dx = p % width - q % width, dy = p / width - q / width
            return dx * dx + dy * dy
        }
        var head = 0
        while head < queue.count {
            let p = queue[head]
            head += 1
            let x = p % width, y = p / width, candidate = nearest[p]
            for dy in -1...1 {
                for dx in -1...1 where dx != 0 || dy != 0 {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                    let n = ny * width + nx
                    if nearest[n] < 0 || distance(n, candidate) < distance(n, nearest[n]) {
                        nearest[n] = candidate
                        queue.append(n)
                    }
                }
            }
        }
        return nearest.map { $0 < 0 ? 0 : $0 }
    }
}

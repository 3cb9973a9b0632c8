/// The input's own pixels outside the region an edit may change: the decoder's picture is used only
/// inside the latent cells the sampler edited, blended into the input over a few pixels around them.
import LucidImage
import LucidTensor

/// Puts the input's pixels back outside the edited region.
///
/// The VAE decoder mixes the whole latent (its mid block attends globally), so an edit inside the
/// mask also tints and blurs pixels far outside it, and even an unchanged latent decodes only to the
/// VAE's reconstruction of the input. The sampler changes no latent cell outside the mask's cells,
/// so the result there should be the input itself.
enum OutsidePixels {
    /// `edited` inside the cells of `latentMask` (`[1, 1, h, w]`, 1 = editable), `input` farther than
    /// `feather` pixels from them, and a linear blend in between. Both images are the caller's size.
    static func kept(edited: RasterImage, input: RasterImage, latentMask: Tensor, feather: Int) throws -> RasterImage {
        let input = input.toRGB(), width = edited.width, height = edited.height
        precondition(input.width == width && input.height == height && edited.format == .rgb)
        let weights = weights(latentMask: latentMask, width: width, height: height, feather: feather)
        var pixels = edited.pixels
        for p in 0..<(width * height) where weights[p] < 1 {
            let w = weights[p]
            for c in 0..<3 {
                let value = w * Float(edited.pixels[3 * p + c]) + (1 - w) * Float(input.pixels[3 * p + c])
                pixels[3 * p + c] = UInt8(max(0, min(255, value.rounded())))
            }
        }
        return try RasterImage(width: width, height: height, format: .rgb, pixels: pixels)
    }

    /// Per pixel of a `width`×`height` image: 1 inside a cell of `latentMask`, falling linearly to 0
    /// at `feather + 1` pixels (chessboard distance) from the nearest such cell.
    static func weights(latentMask: Tensor, width: Int, height: Int, feather: Int) -> [Float] {
        let cellsHigh = latentMask.shape[2], cellsWide = latentMask.shape[3], cells = latentMask.scalars
        let far = width + height
        var distance = [Int](repeating: far, count: width * height)
        for y in 0..<height {
            let row = min(cellsHigh - 1, y * cellsHigh / height)
            for x in 0..<width where cells[row * cellsWide + min(cellsWide - 1, x * cellsWide / width)] > 0 {
                distance[y * width + x] = 0
            }
        }
        // Two-pass chamfer transform with unit steps in all eight directions: the chessboard distance.
        for y in 0..<height {
            for x in 0..<width {
                var d = distance[y * width + x]
                if x > 0 { d = min(d, distance[y * width + x - 1] + 1) }
                if y > 0 {
                    d = min(d, distance[(y - 1) * width + x] + 1)
                    if x > 0 { d = min(d, distance[(y - 1) * width + x - 1] + 1) }
                    if x < width - 1 { d = min(d, distance[(y - 1) * width + x + 1] + 1) }
                }
                distance[y * width + x] = d
            }
        }
        for y in stride(from: height - 1, through: 0, by: -1) {
            for x in stride(from: width - 1, through: 0, by: -1) {
                var d = distance[y * width + x]
                if x < width - 1 { d = min(d, distance[y * width + x + 1] + 1) }
                if y < height - 1 {
                    d = min(d, distance[(y + 1) * width + x] + 1)
                    if x < width - 1 { d = min(d, distance[(y + 1) * width + x + 1] + 1) }
                    if x > 0 { d = min(d, distance[(y + 1) * width + x - 1] + 1) }
                }
                distance[y * width + x] = d
            }
        }
        let ramp = Float(max(0, feather) + 1)
        return distance.map { max(0, 1 - Float($0) / ramp) }
    }
}

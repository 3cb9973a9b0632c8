/// Where a drag acts, at the resolutions the method works at (method.md §2, preparation): the mask
/// at latent resolution (M_lat) and at feature resolution (its outside is m_out), and for each
/// handle→target pair its latent cells (for the 3×3 patch copy) and feature windows; with the
/// intention's fitted transform, the warped start latent.
import LucidImage
import LucidTensor

/// A position in image pixels: x is the column, y the row.
public struct DragPoint: Sendable, Equatable {
    public var x: Float
    public var y: Float

    public init(x: Float, y: Float) {
        self.x = x
        self.y = y
    }
}

/// One drag: the content at `handle` should end up at `target`.
public struct DragPair: Sendable, Equatable {
    public var handle: DragPoint
    public var target: DragPoint

    public init(handle: DragPoint, target: DragPoint) {
        self.handle = handle
        self.target = target
    }
}

/// A cell of a grid: column and row.
public struct GridCell: Sendable, Equatable {
    public let column: Int, row: Int
}

/// The masks and cells of one drag at latent and feature resolution.
public struct DragGeometry {
    /// M_lat `[1, 1, h/f, w/f]`: 1 where any pixel of the cell is editable.
    public let latentMask: Tensor
    /// M_feat `[1, 1, h/s, w/s]` likewise at feature resolution, and its outside m_out.
    public let featureMask: Tensor
    public let outsideMask: Tensor
    /// Editable cells outside the mask at feature resolution (0: no content energy).
    public let outsideCount: Int
    /// Per pair: the latent cells of handle and target (centres of the 3×3 patch copy).
    public let latentCells: [(handle: GridCell, target: GridCell)]
    /// Per pair: the feature cells of handle and target (centres of the windows).
    public let featureCells: [(handle: GridCell, target: GridCell)]
    /// Per pair: `[1, window, window]`, 1 where a handle-window position is outside the target window.
    public let vacated: [(mask: Tensor, count: Int)]
    /// Window side at feature resolution.
    public let window: Int
    /// The intention's warp in latent cells (a cell's centre is at column + ½, row + ½), if it has one.
    public let latentWarp: AffineWarp?

    /// - Parameters:
    ///   - mask: the editable region at working resolution.
    ///   - pairs: the drags in working pixels.
    ///   - warp: the intention's fitted transform in working pixels, if any.
    public init(mask: BinaryMask, pairs: [DragPair], latentFactor: Int, featureStride: Int, window: Int,
                warp: AffineWarp? = nil) throws {
        let latentSize = (width: mask.width / latentFactor, height: mask.height / latentFactor)
        let featureSize = (width: mask.width / featureStride, height: mask.height / featureStride)
        guard featureSize.width >= window, featureSize.height >= window, latentSize.width >= 3, latentSize.height >= 3 else {
            throw EditingError.invalidInput(
                "the working image \(mask.width)×\(mask.height) is too small for a \(window)×\(window) window at stride \(featureStride)")
        }
        latentMask = DragGeometry.maxPool(mask, stride: latentFactor)
        latentWarp = warp?.rescaled(x: 1 / Double(latentFactor), y: 1 / Double(latentFactor))
        featureMask = DragGeometry.maxPool(mask, stride: featureStride)
        outsideMask = 1 - featureMask
        outsideCount = outsideMask.scalars.reduce(0) { $0 + Int($1) }
        func cell(_ point: DragPoint, width: Int, height: Int, radius: Int) -> GridCell {
            let column = Int((point.x * Float(width) / Float(mask.width)).rounded(.down))
            let row = Int((point.y * Float(height) / Float(mask.height)).rounded(.down))
            return GridCell(column: min(max(column, radius), width - 1 - radius), row: min(max(row, radius), height - 1 - radius))
        }
        latentCells = pairs.map { pair in
            (cell(pair.handle, width: latentSize.width, height: latentSize.height, radius: 1),
             cell(pair.target, width: latentSize.width, height: latentSize.height, radius: 1))
        }
        let radius = window / 2
        featureCells = pairs.map { pair in
            (cell(pair.handle, width: featureSize.width, height: featureSize.height, radius: radius),
             cell(pair.target, width: featureSize.width, height: featureSize.height, radius: radius))
        }
        vacated = try featureCells.map { cells in
            var values = [Float](repeating: 0, count: window * window)
            for dy in 0..<window {
                for dx in 0..<window {
                    let column = cells.handle.column - radius + dx, row = cells.handle.row - radius + dy
                    let insideTarget = abs(column - cells.target.column) <= radius && abs(row - cells.target.row) <= radius
                    values[dy * window + dx] = insideTarget ? 0 : 1
                }
            }
            return (try Tensor(shape: [1, window, window], values: values), Int(values.reduce(0, +)))
        }
        self.window = window
    }

    /// Whether sampling starts from the warped latent (`warped`): `warp_start` is on and the
    /// intention has a warp. The start latent and E_edit's inpainting term both follow it.
    public func startsWarped(_ options: EditingOptions) -> Bool {
        options.warpStart && latentWarp != nil
    }

    /// `inverted` (`[1, C, h/f, w/f]`) with every cell in M_lat taking the content of the cell its
    /// centre came from under `latentWarp` (nearest cell, clamped to the latent, and to the nearest
    /// cell of M_lat when it lies outside it): the drag's whole
    /// transform applied at z_T, as FastDrag's latent warpage does, where the patch copy moves only
    /// the handles' cells. A vacated cell so takes what lay behind it (the background beside a moved
    /// object); the sampler then repairs the seams. Nil without a warp.
    public func warped(_ inverted: Tensor) throws -> Tensor? {
        guard let warp = latentWarp else { return nil }
        let source = inverted.scalars, mask = latentMask.scalars
        var values = source
        let channels = inverted.shape[1], height = inverted.shape[2], width = inverted.shape[3]
        let border = maskBorder(width: width, height: height)
        let inverse = warp.inverse
        for row in 0..<height {
            for column in 0..<width where mask[row * width + column] > 0 {
                let from = inverse(Double(column) + 0.5, Double(row) + 0.5)
                let x = Int(min(Double(width - 1), max(0, from.x.rounded(.down))))
                let y = Int(min(Double(height - 1), max(0, from.y.rounded(.down))))
                // A source beyond the mask (another object beside it) is replaced by the mask's nearest cell.
                let cell = mask[y * width + x] > 0 ? y * width + x : border.min { a, b in
                    let da = (a % width - x) * (a % width - x) + (a / width - y) * (a / width - y)
                    let db = (b % width - x) * (b % width - x) + (b / width - y) * (b / width - y)
                    return da < db
                } ?? y * width + x
                for c in 0..<channels {
                    values[(c * height + row) * width + column] = source[c * height * width + cell]
                }
            }
        }
        return try Tensor(shape: inverted.shape, values: values)
    }

    /// The warped start with its content from the warped picture: `warped(inverted)` plus, on M_lat,
    /// √ᾱ_t·(`warpedClean` − `warped(clean)`), where `clean` is z₀ of the inversion, `warpedClean` the
    /// VAE encoding of the picture warped at pixel resolution (`PixelWarp`) and ᾱ_t that of the
    /// start's timestep. The inverted noise moves with its cells as before, but the content is what
    /// the encoder makes of the warped picture, not whole 4×4-pixel cells repeated or dropped. Nil
    /// without a warp.
    public func warped(_ inverted: Tensor, clean: Tensor, warpedClean: Tensor, alpha: Float) throws -> Tensor? {
        guard let start = try warped(inverted), let cellWarpedClean = try warped(clean) else { return nil }
        return try start + (warpedClean - cellWarpedClean) * latentMask * alpha.squareRoot()
    }

    /// The cells of M_lat with an unmasked (or missing) neighbour among their eight: the only ones
    /// that can be nearest to a cell outside the mask.
    private func maskBorder(width: Int, height: Int) -> [Int] {
        let mask = latentMask.scalars
        func isMasked(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] > 0 }
        return (0..<(width * height)).filter { cell in
            let x = cell % width, y = cell / width
            return isMasked(x, y) && !(isMasked(x - 1, y) && isMasked(x + 1, y) && isMasked(x, y - 1) && isMasked(x, y + 1)
                && isMasked(x - 1, y - 1) && isMasked(x + 1, y - 1) && isMasked(x - 1, y + 1) && isMasked(x + 1, y + 1))
        }
    }

    /// `[1, 1, H/stride, W/stride]`: 1 where any pixel of the stride×stride block is set.
    static func maxPool(_ mask: BinaryMask, stride: Int) -> Tensor {
        let width = mask.width / stride, height = mask.height / stride
        return Tensor(shape: [1, 1, height, width]) { out in
            for row in 0..<height {
                for column in 0..<width {
                    var any = false
                    for y in (row * stride)..<((row + 1) * stride) where !any {
                        for x in (column * stride)..<((column + 1) * stride) where mask[x, y] {
                            any = true
                            break
                        }
                    }
                    out[row * width + column] = any ? 1 : 0
                }
            }
        }
    }
}

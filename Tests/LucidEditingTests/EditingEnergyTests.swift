/// E_edit's inpainting term (w_i) belongs to the patch-copy start: a sampler that starts from the
/// intention's warped latent leaves it out, since the warp already put the background behind the handle.
import LucidEditing
import LucidImage
import LucidTensor
import XCTest

final class EditingEnergyTests: XCTestCase {
    /// 32×32 pixels (8×8 feature cells at stride 4), all editable; one drag two cells to the right.
    private func geometry(warp: AffineWarp?) throws -> DragGeometry {
        var mask = BinaryMask(width: 32, height: 32)
        for y in 0..<32 { for x in 0..<32 { mask[x, y] = true } }
        let pair = DragPair(handle: DragPoint(x: 10, y: 16), target: DragPoint(x: 18, y: 16))
        return try DragGeometry(mask: mask, pairs: [pair], latentFactor: 4, featureStride: 4, window: 3, warp: warp)
    }

    private func edit(warp: AffineWarp?, warpStart: Bool = true, inpaintWeight: Float = 0.2) throws -> Float {
        var options = EditingOptions()
        options.warpStart = warpStart
        options.inpaintWeight = inpaintWeight
        var generator = SeededGenerator(seed: 7)
        let current = Tensor.randomNormal([1, 6, 8, 8], generator: &generator)
        let reference = Tensor.randomNormal([1, 6, 8, 8], generator: &generator)
        return try EditingEnergy(geometry: geometry(warp: warp), options: options)
            .edit(current: [current], reference: [reference]).item()
    }

    func testTheWarpedStartLeavesTheInpaintingTermOut() throws {
        let move = try AffineWarp([1, 0, 8, 0, 1, 0])
        let withoutTerm = try edit(warp: nil, inpaintWeight: 0)
        XCTAssertEqual(try edit(warp: move), withoutTerm, accuracy: 1e-6 * abs(withoutTerm))
        // The patch-copy start keeps it: without a warp, or with the warped start switched off.
        XCTAssertGreaterThan(abs(try edit(warp: nil) - withoutTerm), 1e-3 * abs(withoutTerm))
        XCTAssertEqual(try edit(warp: move, warpStart: false), try edit(warp: nil), accuracy: 1e-6 * abs(withoutTerm))
    }
}

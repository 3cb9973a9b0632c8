/// The intention's warp: an invertible affine map, rescaled to the latent, moves the mask's cells of
/// the start latent (and only them) to where the drag's transform takes them.
import LucidEditing
import LucidImage
import LucidTensor
import XCTest

final class WarpedStartTests: XCTestCase {
    func testAWarpIsSixFiniteCoefficientsOfAnInvertibleMap() throws {
        XCTAssertThrowsError(try AffineWarp([1, 0, 0, 0, 1]))
        XCTAssertThrowsError(try AffineWarp([1, 0, .infinity, 0, 1, 0]))
        XCTAssertThrowsError(try AffineWarp([2, 4, 0, 1, 2, 0]), "singular")
        XCTAssertThrowsError(try AffineWarp([1e4, 0, 0, 0, 1, 0]), "scales areas by 10⁴")
        let scale = try AffineWarp([2, 0, -10, 0, 3, 5])
        let p = scale(7, 1)
        XCTAssertEqual(p.x, 4)
        XCTAssertEqual(p.y, 8)
        let back = scale.inverse(4, 8)
        XCTAssertEqual(back.x, 7, accuracy: 1e-12)
        XCTAssertEqual(back.y, 1, accuracy: 1e-12)
        // In coordinates halved along x and quartered along y, the map sends (3.5, 0.25) to (2, 2).
        let q = scale.rescaled(x: 0.5, y: 0.25)(3.5, 0.25)
        XCTAssertEqual(q.x, 2, accuracy: 1e-12)
        XCTAssertEqual(q.y, 2, accuracy: 1e-12)
    }

    /// An 8×8 latent (32×32 pixels at factor 4) whose cell (x, y) holds 10·y + x in every channel.
    private func latent() throws -> Tensor {
        try Tensor(shape: [1, 2, 8, 8], values: (0..<2).flatMap { _ in (0..<64).map { Float(10 * ($0 / 8) + $0 % 8) } })
    }

    private func geometry(maskColumns: Range<Int>, warp: AffineWarp?) throws -> DragGeometry {
        var mask = BinaryMask(width: 32, height: 32)
        for y in 0..<32 { for x in maskColumns { mask[x, y] = true } }
        let pair = DragPair(handle: DragPoint(x: 10, y: 16), target: DragPoint(x: 18, y: 16))
        return try DragGeometry(mask: mask, pairs: [pair], latentFactor: 4, featureStride: 4, window: 3, warp: warp)
    }

    func testAMoveTakesEachMaskedCellFromBehindItAndNeverFromBeyondTheMask() throws {
        // 8 px right in working pixels: 2 cells at factor 4. The mask covers columns 8..<24 (cells 2..<6):
        // cells 4 and 5 take cells 2 and 3; cells 2 and 3 would take 0 and 1, outside the mask, so they
        // take the mask's nearest cell, 2. Cells outside the mask are left as they were.
        let moved = try XCTUnwrap(try geometry(maskColumns: 8..<24, warp: AffineWarp([1, 0, 8, 0, 1, 0])).warped(latent()))
        let values = moved.scalars
        for y in 0..<8 {
            for x in 0..<8 {
                let expected = (2..<6).contains(x) ? Float(10 * y + max(x - 2, 2)) : Float(10 * y + x)
                XCTAssertEqual(values[y * 8 + x], expected, "cell (\(x), \(y))")
                XCTAssertEqual(values[64 + y * 8 + x], expected, "channel 1, cell (\(x), \(y))")
            }
        }
    }

    func testAnEnlargeReadsFromNearerTheCentreAndClampsAtTheEdge() throws {
        // Twice as large about pixel (16, 16), i.e. latent (4, 4); the mask covers everything.
        let enlarged = try XCTUnwrap(try geometry(maskColumns: 0..<32, warp: AffineWarp([2, 0, -16, 0, 2, -16])).warped(latent()))
        let values = enlarged.scalars
        // Cell (7, 7)'s centre (7.5, 7.5) comes from (5.75, 5.75): cell (5, 5). Cell (0, 0) from (2.25, 2.25).
        XCTAssertEqual(values[7 * 8 + 7], 55)
        XCTAssertEqual(values[0], 22)
        XCTAssertEqual(values[4 * 8 + 4], 44)
        let shrunk = try XCTUnwrap(try geometry(maskColumns: 0..<32, warp: AffineWarp([0.25, 0, 12, 0, 0.25, 12])).warped(latent()))
        // A quarter the size about (16, 16): cell (0, 0)'s centre comes from (-10, -10), clamped to cell
        // (0, 0); cell (7, 0)'s from (18, -10), clamped to (7, 0).
        XCTAssertEqual(shrunk.scalars[0], 0)
        XCTAssertEqual(shrunk.scalars[7], 7)
    }

    func testWithoutAWarpThereIsNoWarpedStart() throws {
        XCTAssertNil(try geometry(maskColumns: 8..<24, warp: nil).warped(latent()))
    }

    /// An 8×4 picture, one channel, whose pixel (x, y) holds x; the mask covers columns 2..<6.
    private func ramp() throws -> (Tensor, BinaryMask) {
        var mask = BinaryMask(width: 8, height: 4)
        for y in 0..<4 { for x in 2..<6 { mask[x, y] = true } }
        return (try Tensor(shape: [1, 1, 4, 8], values: (0..<32).map { Float($0 % 8) }), mask)
    }

    func testPixelsWarpBilinearlyInsideTheMaskAndReadTheMasksNearestPixelBeyondIt() throws {
        let (picture, mask) = try ramp()
        // 1.5 px right: pixel x reads x − 1.5. Pixel 4 reads 2.5, pixel 5 reads 3.5; pixel 3 reads
        // between 1 (beyond the mask: its nearest mask pixel, 2) and 2, pixel 2 between 0 and 1 (both 2).
        let moved = try PixelWarp.warped(picture, mask: mask, warp: AffineWarp([1, 0, 1.5, 0, 1, 0])).scalars
        for y in 0..<4 {
            XCTAssertEqual(Array(moved[(y * 8)..<(y * 8 + 8)]), [0, 1, 2, 2, 2.5, 3.5, 6, 7], "row \(y)")
        }
        XCTAssertEqual(try PixelWarp.warped(picture, mask: mask, warp: AffineWarp([1, 0, 0, 0, 1, 0])).scalars,
                       picture.scalars, "the identity leaves the picture as it is")
    }

    func testEveryPixelFindsANearestPixelOfTheMask() {
        let (_, mask) = try! ramp()
        let nearest = PixelWarp.nearestMaskPixel(mask)
        XCTAssertEqual(nearest[0], 2, "(0, 0) → (2, 0)")
        XCTAssertEqual(nearest[3 * 8 + 7], 3 * 8 + 5, "(7, 3) → (5, 3)")
        XCTAssertEqual(nearest[8 + 4], 8 + 4, "a mask pixel is its own")
    }

    func testTheWarpedPicturesEncodingGivesTheStartItsContentOnTheMaskOnly() throws {
        // Inverted = z₀ = the ramp latent: the noise part is 0, so at ᾱ = 1 the start is the warped
        // picture's latent on M_lat (cells 2..<6) and the inverted latent elsewhere.
        let geometry = try geometry(maskColumns: 8..<24, warp: AffineWarp([1, 0, 8, 0, 1, 0]))
        let z = try latent()
        let picture = try Tensor(shape: z.shape, values: z.scalars.map { $0 + 100 })
        let start = try XCTUnwrap(try geometry.warped(z, clean: z, warpedClean: picture, alpha: 1)).scalars
        for y in 0..<8 {
            for x in 0..<8 {
                XCTAssertEqual(start[y * 8 + x], (2..<6).contains(x) ? picture.scalars[y * 8 + x] : z.scalars[y * 8 + x],
                               "cell (\(x), \(y))")
            }
        }
        // At ᾱ = 0.25 half the content difference is added to the cell-warped start.
        let cellWarped = try XCTUnwrap(try geometry.warped(z)).scalars
        let quarter = try XCTUnwrap(try geometry.warped(z, clean: z, warpedClean: picture, alpha: 0.25)).scalars
        XCTAssertEqual(quarter[3 * 8 + 4], cellWarped[3 * 8 + 4] + 0.5 * (picture.scalars[3 * 8 + 4] - cellWarped[3 * 8 + 4]),
                       accuracy: 1e-4)
    }
}

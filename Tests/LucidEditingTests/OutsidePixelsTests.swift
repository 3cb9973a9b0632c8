/// The input's pixels outside the edited latent cells: exact far away, a linear blend near them.
@testable import LucidEditing
import LucidImage
import LucidTensor
import XCTest

final class OutsidePixelsTests: XCTestCase {
    /// A 4×4 latent with one editable cell (column 1, row 2) over a 16×16 image: pixels 4..<8, 8..<12.
    private let latentMask = Tensor(shape: [1, 1, 4, 4]) { cells in
        for i in 0..<16 { cells[i] = i == 2 * 4 + 1 ? 1 : 0 }
    }

    func testTheWeightIsOneOnTheCellAndFallsLinearlyToZero() {
        let weights = OutsidePixels.weights(latentMask: latentMask, width: 16, height: 16, feather: 3)
        func weight(_ x: Int, _ y: Int) -> Float { weights[y * 16 + x] }
        XCTAssertEqual(weight(4, 8), 1)
        XCTAssertEqual(weight(7, 11), 1)
        XCTAssertEqual(weight(8, 11), 0.75, accuracy: 1e-6)
        XCTAssertEqual(weight(10, 13), 0.25, accuracy: 1e-6)  // 3 px right, 2 px down: chessboard distance 3
        XCTAssertEqual(weight(11, 9), 0)
        XCTAssertEqual(weight(0, 0), 0)
        XCTAssertEqual(weights.filter { $0 == 1 }.count, 16)
    }

    func testPixelsAwayFromTheCellAreTheInputsAndOnItTheEdits() throws {
        let input = try RasterImage(width: 16, height: 16, format: .grey, fill: [40])
        let edited = try RasterImage(width: 16, height: 16, format: .rgb, fill: [200, 100, 0])
        let kept = try OutsidePixels.kept(edited: edited, input: input, latentMask: latentMask, feather: 3)
        XCTAssertEqual(kept.format, .rgb)
        XCTAssertEqual([kept[5, 9, 0], kept[5, 9, 1], kept[5, 9, 2]], [200, 100, 0])
        XCTAssertEqual([kept[12, 9, 0], kept[12, 9, 1], kept[12, 9, 2]], [40, 40, 40])
        XCTAssertEqual([kept[0, 0, 0], kept[15, 15, 2]], [40, 40])
        // Two pixels out: weight 0.5.
        XCTAssertEqual([kept[9, 9, 0], kept[9, 9, 1], kept[9, 9, 2]], [120, 70, 20])
    }

    func testFeatherZeroIsAHardEdgeAtTheCell() {
        let weights = OutsidePixels.weights(latentMask: latentMask, width: 16, height: 16, feather: 0)
        XCTAssertEqual(weights.filter { $0 > 0 }.count, 16)
    }
}

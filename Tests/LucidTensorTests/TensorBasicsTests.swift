/// Tensor creation, value semantics, shape ops and broadcasting arithmetic.
import XCTest
@testable import LucidTensor

final class TensorBasicsTests: XCTestCase {
    func testCreationRejectsAValueCountThatDoesNotFillTheShape() {
        XCTAssertThrowsError(try Tensor(shape: [2, 3], values: [1, 2, 3])) { error in
            XCTAssertEqual(error as? TensorError, .shapeMismatch("3 values for shape [2, 3] (6 elements)"))
        }
    }

    func testCopiesAreIndependentAfterMutation() throws {
        let a = try Tensor(shape: [3], values: [1, 2, 3])
        var b = a
        b.withUnsafeMutableBufferPointer { $0[0] = 9 }
        XCTAssertEqual(a.scalars, [1, 2, 3])
        XCTAssertEqual(b.scalars, [9, 2, 3])
    }

    func testSeededRandomTensorsRepeat() {
        XCTAssertEqual(randomTensor([5], seed: 3).scalars, randomTensor([5], seed: 3).scalars)
        XCTAssertNotEqual(randomTensor([5], seed: 3).scalars, randomTensor([5], seed: 4).scalars)
    }

    func testRandomNormalHasTheRequestedMomentsWhateverTheThreadCount() throws {
        let saved = Engine.threads
        defer { Engine.threads = saved }
        Engine.threads = 1
        var g1 = SeededGenerator(seed: 7)
        let one = Tensor.randomNormal([200_001], mean: 2, std: 3, generator: &g1)
        Engine.threads = 2
        var g2 = SeededGenerator(seed: 7)
        let two = Tensor.randomNormal([200_001], mean: 2, std: 3, generator: &g2)
        XCTAssertEqual(one.scalars, two.scalars)
        let mean = try one.mean().item()
        let std = try (one - mean).squared().mean().item().squareRoot()
        XCTAssertEqual(mean, 2, accuracy: 0.03)
        XCTAssertEqual(std, 3, accuracy: 0.03)
    }

    func testReshapeInfersOneDimensionAndRejectsAWrongCount() throws {
        let x = try Tensor(shape: [2, 3], values: [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(try x.reshaped([3, -1]).shape, [3, 2])
        XCTAssertThrowsError(try x.reshaped([4, 2]))
    }

    func testPermuteMovesAxesLikeTorch() throws {
        let x = try Tensor(shape: [2, 2, 3], values: (0..<12).map(Float.init))
        // torch.arange(12).reshape(2,2,3).permute(2,0,1)
        assertClose(try x.permuted([2, 0, 1]), [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11], shape: [3, 2, 2])
        // A batched 2-D transpose larger than one tile.
        let big = randomTensor([2, 40, 37], seed: 1)
        let t = try big.transposed(1, 2)
        XCTAssertEqual(t.shape, [2, 37, 40])
        let b = big.scalars, s = t.scalars
        for n in 0..<2 { for i in 0..<40 { for j in 0..<37 { XCTAssertEqual(s[(n * 37 + j) * 40 + i], b[(n * 40 + i) * 37 + j]) } } }
    }

    func testNarrowChunkAndConcatRoundTrip() throws {
        let x = try Tensor(shape: [2, 4], values: (0..<8).map(Float.init))
        assertClose(try x.narrowed(axis: 1, start: 1, length: 2), [1, 2, 5, 6], shape: [2, 2])
        let parts = try x.chunked(2, axis: 0)
        assertClose(parts[1], [4, 5, 6, 7], shape: [1, 4])
        assertClose(try concat([parts[1], parts[0]], axis: 0), [4, 5, 6, 7, 0, 1, 2, 3], shape: [2, 4])
        XCTAssertThrowsError(try x.narrowed(axis: 1, start: 3, length: 2))
        XCTAssertThrowsError(try concat([x, Tensor(zeros: [2, 3])], axis: 0))
    }

    func testBroadcastingArithmeticMatchesHandValues() throws {
        let x = try Tensor(shape: [1, 2, 1, 2], values: [1, 2, 3, 4])
        let bias = try Tensor(shape: [1, 2, 1, 1], values: [10, 20])
        assertClose(try x + bias, [11, 12, 23, 24])
        let row = try Tensor(shape: [2], values: [2, 4])
        assertClose(try x * row, [2, 8, 6, 16])
        assertClose(try x - row, [-1, -2, 1, 0])
        assertClose(try row / x, [2, 2, 2.0 / 3, 1])
        assertClose(2 * x + 1, [3, 5, 7, 9])
        XCTAssertThrowsError(try x + Tensor(zeros: [3]))
    }

    func testInPlaceAddDoesNotTouchAnotherCopy() throws {
        var a = try Tensor(shape: [2], values: [1, 2])
        let keep = a
        try a += Tensor(scalar: 1)
        XCTAssertEqual(a.scalars, [2, 3])
        XCTAssertEqual(keep.scalars, [1, 2])
    }

    func testReductionsOverAxesAndAll() throws {
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        assertClose(try x.sum(axes: [1]), [6, 15], shape: [2])
        assertClose(try x.mean(axes: [0], keepingDimensions: true), [2.5, 3.5, 4.5], shape: [1, 3])
        XCTAssertEqual(try x.sum().item(), 21)
        XCTAssertEqual(try x.mean().item(), 3.5)
    }

    func testUnaryFunctionsMatchFoundation() throws {
        let x = try Tensor(shape: [3], values: [0.5, 1, 4])
        assertClose(x.exp(), [exp(0.5), exp(1), exp(4)])
        assertClose(x.log(), [log(0.5), 0, log(4)])
        assertClose(x.sqrt(), [sqrt(0.5), 1, 2])
        assertClose(x.sigmoid(), [1 / (1 + exp(-0.5)), 1 / (1 + exp(-1)), 1 / (1 + exp(-4))])
        assertClose((x - 1).relu(), [0, 0, 3])
        assertClose(x.clamped(min: 0.8, max: 2), [0.8, 1, 2])
    }

    func testCosineSimilarityOverChannels() throws {
        let a = try Tensor(shape: [1, 2, 2], values: [1, 0, 0, 1])   // vectors (1,0) and (0,1)
        let b = try Tensor(shape: [1, 2, 2], values: [1, 1, 1, -1])  // vectors (1,1) and (1,-1)
        assertClose(try cosineSimilarity(a, b, axis: 1), [Float(0.5).squareRoot(), -Float(0.5).squareRoot()], shape: [1, 2])
    }

    func testEmbeddingRejectsAnIndexOutsideTheTable() throws {
        let table = try Tensor(shape: [3, 2], values: [0, 1, 2, 3, 4, 5])
        assertClose(try embedding(table, indices: [2, 0]), [4, 5, 0, 1], shape: [2, 2])
        XCTAssertThrowsError(try embedding(table, indices: [3]))
    }
}

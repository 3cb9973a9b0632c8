/// Every op's tape gradient against central finite differences, and the tape's own behaviour.
import XCTest
@testable import LucidTensor

final class GradientTests: XCTestCase {
    func testArithmeticWithBroadcastingGradients() throws {
        let a = randomTensor([2, 3, 2], seed: 1), b = randomTensor([3, 1], seed: 2)
        try assertGradientsMatchFiniteDifferences([a, b]) { try $0[0] + $0[1] }
        try assertGradientsMatchFiniteDifferences([a, b]) { try $0[0] - $0[1] }
        try assertGradientsMatchFiniteDifferences([a, b]) { try $0[0] * $0[1] }
        try assertGradientsMatchFiniteDifferences([a, b.affine(scale: 0.1, shift: 2)]) { try $0[0] / $0[1] }
        try assertGradientsMatchFiniteDifferences([a]) { 3 * $0[0] - 1 }
        try assertGradientsMatchFiniteDifferences([b]) { try $0[0].broadcast(to: [2, 3, 4]) }
    }

    func testUnaryGradients() throws {
        let x = randomTensor([7], seed: 3)
        let positive = x.squared() + 0.5
        try assertGradientsMatchFiniteDifferences([x]) { $0[0].exp() }
        try assertGradientsMatchFiniteDifferences([positive]) { $0[0].log() }
        try assertGradientsMatchFiniteDifferences([positive]) { $0[0].sqrt() }
        try assertGradientsMatchFiniteDifferences([x]) { $0[0].squared() }
        try assertGradientsMatchFiniteDifferences([x]) { $0[0].sigmoid() }
        try assertGradientsMatchFiniteDifferences([x]) { $0[0].tanh() }
        try assertGradientsMatchFiniteDifferences([x + 0.05]) { $0[0].relu() }
        try assertGradientsMatchFiniteDifferences([x + 0.05]) { $0[0].clamped(min: 0) }
    }

    func testActivationGradients() throws {
        let x = randomTensor([2, 8], seed: 4, std: 2)
        try assertGradientsMatchFiniteDifferences([x]) { silu($0[0]) }
        try assertGradientsMatchFiniteDifferences([x]) { gelu($0[0]) }
        try assertGradientsMatchFiniteDifferences([x]) { quickGELU($0[0]) }
        try assertGradientsMatchFiniteDifferences([x]) { try geglu($0[0]) }
        try assertGradientsMatchFiniteDifferences([x]) { try softmax($0[0]) }
        try assertGradientsMatchFiniteDifferences([x]) { try softmax($0[0], axis: 0) }
    }

    func testShapeOpGradients() throws {
        let x = randomTensor([2, 3, 4], seed: 5), y = randomTensor([2, 1, 4], seed: 6)
        try assertGradientsMatchFiniteDifferences([x]) { try $0[0].reshaped([4, 6]) }
        try assertGradientsMatchFiniteDifferences([x]) { try $0[0].permuted([2, 0, 1]) }
        try assertGradientsMatchFiniteDifferences([x]) { try $0[0].transposed(1, 2) }
        try assertGradientsMatchFiniteDifferences([x]) { try $0[0].narrowed(axis: 2, start: 1, length: 2) }
        try assertGradientsMatchFiniteDifferences([x]) { try $0[0].chunked(2, axis: 0)[1] }
        try assertGradientsMatchFiniteDifferences([x, y]) { try concat([$0[1], $0[0]], axis: 1) }
        try assertGradientsMatchFiniteDifferences([x]) { try $0[0].unsqueezed(axis: 0).squeezed(axis: 0) }
    }

    func testReductionGradients() throws {
        let x = randomTensor([2, 3, 4], seed: 7)
        try assertGradientsMatchFiniteDifferences([x]) { $0[0].sum() }
        try assertGradientsMatchFiniteDifferences([x]) { $0[0].mean() }
        try assertGradientsMatchFiniteDifferences([x]) { try $0[0].sum(axes: [0, 2]) }
        try assertGradientsMatchFiniteDifferences([x]) { try $0[0].mean(axes: [1], keepingDimensions: true) }
        let y = randomTensor([2, 3, 4], seed: 8)
        try assertGradientsMatchFiniteDifferences([x, y]) { try cosineSimilarity($0[0], $0[1], axis: 1) }
    }

    func testConvolutionInputGradients() throws {
        let w3 = randomTensor([3, 2, 3, 3], seed: 9), b = randomTensor([3], seed: 10)
        let x = randomTensor([2, 2, 5, 4], seed: 11)
        try assertGradientsMatchFiniteDifferences([x]) { try conv2d($0[0], weight: w3, bias: b, padding: Padding2D(1)) }
        try assertGradientsMatchFiniteDifferences([x]) { try conv2d($0[0], weight: w3, stride: 2, padding: Padding2D(1)) }
        try assertGradientsMatchFiniteDifferences([x]) {
            try conv2d($0[0], weight: w3, stride: 2, padding: Padding2D(top: 0, bottom: 1, left: 0, right: 1))
        }
        let w1 = randomTensor([3, 2, 1, 1], seed: 12)
        try assertGradientsMatchFiniteDifferences([x]) { try conv2d($0[0], weight: w1, bias: b) }
    }

    func testLinearAndMatmulGradients() throws {
        let x = randomTensor([2, 3, 4], seed: 13), w = randomTensor([5, 4], seed: 14), b = randomTensor([5], seed: 15)
        try assertGradientsMatchFiniteDifferences([x]) { try linear($0[0], weight: w, bias: b) }
        let m = randomTensor([2, 4, 3], seed: 16), shared = randomTensor([4, 2], seed: 17)
        try assertGradientsMatchFiniteDifferences([x, m]) { try matmul($0[0], $0[1]) }
        try assertGradientsMatchFiniteDifferences([x, shared]) { try matmul($0[0], $0[1]) }
    }

    func testNormalizationGradients() throws {
        let x = randomTensor([2, 4, 3, 2], seed: 18, std: 2)
        let w = randomTensor([4], seed: 19), b = randomTensor([4], seed: 20)
        try assertGradientsMatchFiniteDifferences([x]) { try groupNorm($0[0], groups: 2, weight: w, bias: b, eps: 1e-5) }
        try assertGradientsMatchFiniteDifferences([x]) {
            try groupNorm($0[0], groups: 2, weight: w, bias: b, eps: 1e-5, activation: .silu)
        }
        let y = randomTensor([3, 4], seed: 21, std: 2)
        try assertGradientsMatchFiniteDifferences([y]) { try layerNorm($0[0], weight: w, bias: b, eps: 1e-5) }
    }

    func testAttentionGradientsThroughQueryKeyAndValue() throws {
        let q = randomTensor([2, 5, 4], seed: 22), k = randomTensor([2, 3, 4], seed: 23), v = randomTensor([2, 3, 6], seed: 24)
        try assertGradientsMatchFiniteDifferences([q, k, v]) {
            try scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], heads: 2, queryChunk: 2)
        }
        let s = randomTensor([1, 4, 4], seed: 25)
        try assertGradientsMatchFiniteDifferences([s]) {
            try scaledDotProductAttention(query: $0[0], key: $0[0], value: $0[0], heads: 2, causal: true)
        }
    }

    func testResizeGradients() throws {
        let x = randomTensor([1, 2, 3, 4], seed: 26)
        try assertGradientsMatchFiniteDifferences([x]) { try resize($0[0], height: 5, width: 7, mode: .bilinear) }
        try assertGradientsMatchFiniteDifferences([x]) { try resize($0[0], height: 2, width: 3, mode: .bilinear) }
        try assertGradientsMatchFiniteDifferences([x]) { try resize($0[0], height: 6, width: 5, mode: .nearest) }
        try assertGradientsMatchFiniteDifferences([x]) { try upsampleNearest2x($0[0]) }
    }

    func testAnUnwatchedComputationRecordsNothing() throws {
        let tape = GradientTape()
        let x = tape.watch(randomTensor([3], seed: 1))
        let y = randomTensor([3], seed: 2)
        _ = try silu(y) * y
        XCTAssertEqual(tape.nodeCount, 1)
        _ = try x * y
        XCTAssertEqual(tape.nodeCount, 2)
    }

    func testAGradientAccumulatesOverEveryUseAndStopsAtDetach() throws {
        let tape = GradientTape()
        let x = tape.watch(try Tensor(shape: [2], values: [1, 2]))
        let y = try (x * x + x.detached() * 10 + 3 * x).sum()   // d/dx = 2x + 3
        XCTAssertEqual(try tape.gradient(of: y, wrt: x).scalars, [5, 7])
    }

    func testGradientRefusesANonScalarWithoutSeedAndAnUnwatchedTensor() throws {
        let tape = GradientTape()
        let x = tape.watch(Tensor(ones: [2]))
        XCTAssertThrowsError(try tape.gradient(of: x * 2, wrt: x))
        XCTAssertThrowsError(try tape.gradient(of: (x * 2).sum(), wrt: Tensor(ones: [2])))
        XCTAssertEqual(try tape.gradient(of: x * 2, wrt: x, seed: Tensor(ones: [2])).scalars, [2, 2])
    }
}

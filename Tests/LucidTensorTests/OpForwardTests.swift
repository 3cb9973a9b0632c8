/// Forward values of the model ops against direct loops in Double and PyTorch values.
import XCTest
@testable import LucidTensor

final class OpForwardTests: XCTestCase {
    func testConvolutionMatchesDirectLoopsForEveryGeometryTheModelsUse() throws {
        let cases: [(cin: Int, cout: Int, k: Int, stride: Int, pad: Padding2D, h: Int, w: Int)] = [
            (3, 5, 3, 1, Padding2D(1), 7, 6),                                   // 3×3 same
            (4, 3, 1, 1, Padding2D(0), 5, 5),                                   // 1×1 as a GEMM
            (3, 4, 3, 2, Padding2D(top: 0, bottom: 1, left: 0, right: 1), 8, 8), // VAE downsample
            (2, 3, 3, 2, Padding2D(1), 7, 9),                                   // UNet downsample, odd size
            (3, 2, 3, 1, Padding2D(top: 2, bottom: 0, left: 2, right: 0), 5, 4), // same width, one-sided
            (2, 2, 5, 1, Padding2D(2), 3, 2),                                   // taps shifted past the edge
        ]
        for (i, c) in cases.enumerated() {
            let x = randomTensor([2, c.cin, c.h, c.w], seed: UInt64(i))
            let w = randomTensor([c.cout, c.cin, c.k, c.k], seed: UInt64(10 + i))
            let b = randomTensor([c.cout], seed: UInt64(20 + i))
            let y = try conv2d(x, weight: w, bias: b, stride: c.stride, padding: c.pad)
            assertClose(y, Reference.conv2d(x, w, b, stride: c.stride, padding: c.pad), tolerance: 1e-5)
            let noBias = try conv2d(x, weight: w, stride: c.stride, padding: c.pad)
            assertClose(noBias, Reference.conv2d(x, w, nil, stride: c.stride, padding: c.pad), tolerance: 1e-5)
        }
    }

    func testWinogradConvolutionAndItsInputGradientMatchDirectLoops() throws {
        // 128 channels and ≥ 1024 pixels take the Winograd path; odd sizes leave partial tiles.
        let x = randomTensor([1, 128, 31, 35], seed: 40), w = randomTensor([129, 128, 3, 3], seed: 41, std: 0.1)
        let b = randomTensor([129], seed: 42)
        let y = try conv2d(x, weight: w, bias: b, padding: Padding2D(1))
        assertClose(y, Reference.conv2d(x, w, b, stride: 1, padding: Padding2D(1)), tolerance: 2e-6)
        // ∂Σ(y⊙r)/∂x is the convolution of r with the flipped, channel-swapped kernel.
        let r = randomTensor(y.shape, seed: 43)
        let tape = GradientTape()
        let watched = tape.watch(x)
        let gx = try tape.gradient(of: (conv2d(watched, weight: w, padding: Padding2D(1)) * r).sum(), wrt: watched)
        let ws = w.scalars
        var flipped = [Float](repeating: 0, count: ws.count)
        for o in 0..<129 { for c in 0..<128 { for i in 0..<3 { for j in 0..<3 {
            flipped[((c * 129 + o) * 3 + 2 - i) * 3 + 2 - j] = ws[((o * 128 + c) * 3 + i) * 3 + j]
        } } } }
        let wt = try Tensor(shape: [128, 129, 3, 3], values: flipped)
        assertClose(gx, Reference.conv2d(r, wt, nil, stride: 1, padding: Padding2D(1)), tolerance: 2e-6)
    }

    func testDirect3x3ConvolutionAndItsInputGradientMatchDirectLoops() throws {
        // Multiples of 8 output channels at least 16 pixels wide take the direct kernel on an
        // AVX-512 CPU (elsewhere im2col): widths off the 16-lane vectors (a vector spans rows),
        // one-row images, tiles that run over an image's end.
        let cases: [(n: Int, cin: Int, cout: Int, h: Int, w: Int)] = [
            (2, 5, 8, 3, 16), (1, 8, 16, 4, 17), (2, 3, 24, 5, 33), (1, 16, 8, 1, 20), (2, 8, 8, 7, 48),
            (1, 4, 8, 2, 23),
        ]
        for (i, c) in cases.enumerated() {
            let g = ConvGeometry(batch: c.n, inChannels: c.cin, height: c.h, width: c.w, outChannels: c.cout,
                                 kernelH: 3, kernelW: 3, stride: 1, padding: Padding2D(1), outHeight: c.h, outWidth: c.w)
            XCTAssertEqual(g.prefersDirect, DirectConv3x3.isAvailable, "case \(i)")
            let x = randomTensor([c.n, c.cin, c.h, c.w], seed: UInt64(50 + i))
            let w = randomTensor([c.cout, c.cin, 3, 3], seed: UInt64(60 + i), std: 0.3)
            let b = randomTensor([c.cout], seed: UInt64(70 + i))
            let y = try conv2d(x, weight: w, bias: b, padding: Padding2D(1))
            assertClose(y, Reference.conv2d(x, w, b, stride: 1, padding: Padding2D(1)), tolerance: 1e-5)
            let r = randomTensor(y.shape, seed: UInt64(80 + i))
            let tape = GradientTape()
            let watched = tape.watch(x)
            let gx = try tape.gradient(of: (conv2d(watched, weight: w, padding: Padding2D(1)) * r).sum(), wrt: watched)
            let ws = w.scalars
            var flipped = [Float](repeating: 0, count: ws.count)
            for o in 0..<c.cout { for k in 0..<c.cin { for p in 0..<3 { for q in 0..<3 {
                flipped[((k * c.cout + o) * 3 + 2 - p) * 3 + 2 - q] = ws[((o * c.cin + k) * 3 + p) * 3 + q]
            } } } }
            let wt = try Tensor(shape: [c.cin, c.cout, 3, 3], values: flipped)
            assertClose(gx, Reference.conv2d(r, wt, nil, stride: 1, padding: Padding2D(1)), tolerance: 1e-5)
        }
    }

    func testConvKernelCacheIsReusedAndRepackedWhenTheWeightChanges() throws {
        // 8 → 16 channels, 20 wide: the direct kernel on an AVX-512 CPU, which packs through the cache.
        let x = randomTensor([2, 8, 5, 20], seed: 90), b = randomTensor([16], seed: 91)
        var w = randomTensor([16, 8, 3, 3], seed: 92, std: 0.3)
        let kernels = ConvKernelCache()
        let y = try conv2d(x, weight: w, bias: b, padding: Padding2D(1), kernels: kernels)
        assertClose(y, Reference.conv2d(x, w, b, stride: 1, padding: Padding2D(1)), tolerance: 1e-5)
        let again = try conv2d(x, weight: w, bias: b, padding: Padding2D(1), kernels: kernels)
        XCTAssertTrue(again.scalars == y.scalars, "the cached kernel gives a different result")
        // An in-place write to the weight (its only tensor) must not leave the old kernel in use.
        w.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] *= -2 } }
        let changed = try conv2d(x, weight: w, bias: b, padding: Padding2D(1), kernels: kernels)
        assertClose(changed, Reference.conv2d(x, w, b, stride: 1, padding: Padding2D(1)), tolerance: 1e-5)
        // A weight of the same shape put in its place, and the input gradient's transposed kernel.
        let other = randomTensor([16, 8, 3, 3], seed: 93, std: 0.3)
        let r = randomTensor(y.shape, seed: 94)
        for weight in [other, w] {
            let tape = GradientTape()
            let watched = tape.watch(x)
            let cached = try tape.gradient(
                of: (conv2d(watched, weight: weight, padding: Padding2D(1), kernels: kernels) * r).sum(), wrt: watched)
            let plainTape = GradientTape()
            let plain = plainTape.watch(x)
            let expected = try plainTape.gradient(of: (conv2d(plain, weight: weight, padding: Padding2D(1)) * r).sum(), wrt: plain)
            XCTAssertTrue(cached.scalars == expected.scalars, "the cached transposed kernel gives a different gradient")
            assertClose(try conv2d(x, weight: weight, padding: Padding2D(1), kernels: kernels),
                        Reference.conv2d(x, weight, nil, stride: 1, padding: Padding2D(1)), tolerance: 1e-5)
        }
    }

    func testVectorisedExpAndErfAgreeWithLibm() throws {
        let xs = stride(from: -30.0 as Float, through: 30, by: 0.013).map { $0 }
        let x = try Tensor(shape: [xs.count], values: xs)
        let e = x.exp().scalars
        for (v, y) in zip(xs, e) { XCTAssertEqual(y, Foundation.exp(v), accuracy: 2e-7 * Foundation.exp(v), "exp(\(v))") }
        let g = gelu(x).scalars
        for (v, y) in zip(xs, g) {
            XCTAssertEqual(y, 0.5 * v * (1 + Foundation.erf(v / Float(2).squareRoot())), accuracy: 1e-6 * max(1, abs(v)), "gelu(\(v))")
        }
        let s = silu(x).scalars
        for (v, y) in zip(xs, s) { XCTAssertEqual(y, v / (1 + Foundation.exp(-v)), accuracy: 1e-6 * max(1, abs(v)), "silu(\(v))") }
    }

    func testConvolutionRejectsAChannelMismatch() {
        XCTAssertThrowsError(try conv2d(Tensor(zeros: [1, 3, 4, 4]), weight: Tensor(zeros: [2, 4, 3, 3]))) { error in
            XCTAssertTrue("\(error)".contains("[1, 3, 4, 4]"))
        }
    }

    func testLinearAndMatmulMatchHandValues() throws {
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let w = try Tensor(shape: [2, 3], values: [1, 0, -1, 0.5, 0.5, 0.5])
        let b = try Tensor(shape: [2], values: [10, 20])
        assertClose(try linear(x, weight: w, bias: b), [8, 23, 8, 27.5], shape: [2, 2])
        assertClose(try linear(x, weight: w), [-2, 3, -2, 7.5])
        let m = try Tensor(shape: [3, 1], values: [1, 1, 2])
        assertClose(try matmul(x, m), [9, 21], shape: [2, 1])
        XCTAssertThrowsError(try linear(x, weight: Tensor(zeros: [2, 4])))
    }

    func testGroupNormMatchesDirectLoopsAndFusesSiLU() throws {
        let x = randomTensor([2, 6, 3, 5], seed: 5, std: 3)
        let w = randomTensor([6], seed: 6), b = randomTensor([6], seed: 7)
        let expected = Reference.groupNorm(x, groups: 3, w, b, eps: 1e-5)
        assertClose(try groupNorm(x, groups: 3, weight: w, bias: b, eps: 1e-5), expected, tolerance: 1e-5)
        let fused = try groupNorm(x, groups: 3, weight: w, bias: b, eps: 1e-5, activation: .silu)
        assertClose(fused, expected.map { $0 / (1 + exp(-$0)) }, tolerance: 1e-5)
        XCTAssertThrowsError(try groupNorm(x, groups: 4, weight: w, bias: b, eps: 1e-5))
    }

    func testLayerNormNormalisesTheLastAxis() throws {
        let x = try Tensor(shape: [2, 2], values: [1, 3, -2, 2])
        let w = try Tensor(shape: [2], values: [2, 1]), b = try Tensor(shape: [2], values: [0, 1])
        let r = 1 / (1 + 1e-5 as Float).squareRoot(), r4 = 2 / (4 + 1e-5 as Float).squareRoot()
        assertClose(try layerNorm(x, weight: w, bias: b, eps: 1e-5), [-2 * r, 1 + r, -2 * r4 / 2 * 2, 1 + r4], tolerance: 1e-5)
    }

    func testActivationsMatchPyTorch() throws {
        let x = try Tensor(shape: [7], values: [-3, -1, -0.5, 0, 0.5, 1, 2.5])
        assertClose(gelu(x), [-0.0040502, -0.1586553, -0.1542688, 0.0, 0.3457312, 0.8413447, 2.4844759], tolerance: 1e-5)
        assertClose(silu(x), [-0.1422776, -0.2689414, -0.1887703, 0.0, 0.3112297, 0.7310586, 2.3103545], tolerance: 1e-5)
        assertClose(quickGELU(x), [-0.0180713, -0.1542042, -0.1496116, 0.0, 0.3503884, 0.8457958, 2.465014], tolerance: 1e-5)
        let pair = try Tensor(shape: [1, 4], values: [2, 3, 1, -1])  // value (2, 3), gate (1, −1)
        assertClose(try geglu(pair), [2 * 0.8413447, 3 * -0.1586553], shape: [1, 2], tolerance: 1e-5)
    }

    func testSoftmaxRowsSumToOneAndMatchHandValues() throws {
        let x = try Tensor(shape: [2, 2], values: [0, Float(log(3.0)), 5, 5])
        assertClose(try softmax(x), [0.25, 0.75, 0.5, 0.5])
        assertClose(try softmax(x, axis: 0), [1 / (1 + exp(5)), 1 / (1 + exp(5 - Float(log(3.0)))),
                                             1 - 1 / (1 + exp(5)), 1 - 1 / (1 + exp(5 - Float(log(3.0))))], tolerance: 1e-5)
    }

    func testAttentionMatchesDirectLoopsInEveryChunking() throws {
        let q = randomTensor([2, 9, 12], seed: 1), k = randomTensor([2, 7, 12], seed: 2), v = randomTensor([2, 7, 6], seed: 3)
        let expected = Reference.attention(q, k, v, heads: 3, causal: false)
        let whole = try scaledDotProductAttention(query: q, key: k, value: v, heads: 3)
        XCTAssertEqual(whole.shape, [2, 9, 6])
        assertClose(whole, expected, tolerance: 1e-5)
        for chunk in [1, 2, 4, 9] {
            let chunked = try scaledDotProductAttention(query: q, key: k, value: v, heads: 3, queryChunk: chunk)
            assertClose(chunked, whole.scalars, tolerance: 1e-6)
        }
        let s = randomTensor([1, 5, 8], seed: 4)
        assertClose(try scaledDotProductAttention(query: s, key: s, value: s, heads: 2, causal: true, queryChunk: 2),
                    Reference.attention(s, s, s, heads: 2, causal: true), tolerance: 1e-5)
        XCTAssertThrowsError(try scaledDotProductAttention(query: q, key: k, value: v, heads: 5))
    }

    func testResizeMatchesPyTorchInterpolate() throws {
        let x = try Tensor(shape: [1, 1, 3, 4], values: [0, 0.5, 1, 1.5, 2, 2.5, -3, 3.5, 4, 4.5, 5, 5.5])
        assertClose(try resize(x, height: 5, width: 3, mode: .bilinear),
                    [0.083333, 0.75, 1.416667, 0.883333, 0.35, 1.816667, 2.083333, -0.25, 2.416668,
                     3.283334, 2.750001, 4.216668, 4.083333, 4.75, 5.416667], tolerance: 1e-5)
        assertClose(try resize(x, height: 2, width: 2, mode: .bilinear), [0.75, 1.0, 3.75, 4.0], tolerance: 1e-6)
        assertClose(try resize(x, height: 5, width: 3, mode: .nearest),
                    [0, 0.5, 1, 0, 0.5, 1, 2, 2.5, -3, 2, 2.5, -3, 4, 4.5, 5])
        let up = try upsampleNearest2x(try Tensor(shape: [1, 1, 1, 2], values: [1, 2]))
        assertClose(up, [1, 1, 2, 2, 1, 1, 2, 2], shape: [1, 1, 2, 4])
    }
}

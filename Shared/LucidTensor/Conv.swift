/// 2-D convolution (NCHW, groups = 1), and its gradient with respect to the input. 1×1
/// convolutions are a single GEMM per image; larger kernels unfold the input (im2col) a band of
/// output rows at a time so the unfolded buffer stays small; large 3×3 stride-1 convolutions use
/// Winograd F(2×2, 3×3) (Winograd.swift), and the others a direct kernel on AVX-512 CPUs
/// (DirectConv3x3.swift).

/// Zero padding on the four sides of an image (PyTorch `F.pad` order is left, right, top, bottom).
public struct Padding2D: Equatable, Sendable {
    public var top: Int, bottom: Int, left: Int, right: Int

    /// The same padding on every side.
    public init(_ all: Int) { self.init(top: all, bottom: all, left: all, right: all) }

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top; self.bottom = bottom; self.left = left; self.right = right
    }
}

/// The geometry of one convolution.
struct ConvGeometry {
    let batch: Int, inChannels: Int, height: Int, width: Int
    let outChannels: Int, kernelH: Int, kernelW: Int
    let stride: Int, padding: Padding2D
    let outHeight: Int, outWidth: Int

    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && stride == 1 && padding == Padding2D(0)
    }
    /// 3×3, stride 1, padding 1: the output is as large as the input.
    var isSame3x3: Bool {
        kernelH == 3 && kernelW == 3 && stride == 1 && padding == Padding2D(1)
    }
    /// For a same-size 3×3 convolution, the one whose output is its input gradient: the output
    /// gradient convolved with the kernel flipped and its channel axes swapped.
    var inputGradientConvolution: ConvGeometry? {
        guard isSame3x3 else { return nil }
        return ConvGeometry(
            batch: batch, inChannels: outChannels, height: height, width: width, outChannels: inChannels,
            kernelH: 3, kernelW: 3, stride: 1, padding: padding, outHeight: height, outWidth: width)
    }
    /// Rows of the unfolded matrix: Cin·kh·kw.
    var patch: Int { inChannels * kernelH * kernelW }

    /// Output rows per band so that the unfolded band holds at most ~16 M floats (64 MB): wide
    /// enough that OpenBLAS runs near its peak even for the VAE's 128-channel 512×512 layers.
    var bandRows: Int { Swift.max(1, Swift.min(outHeight, (16 << 20) / Swift.max(patch * outWidth, 1))) }
}

/// Unfolds output rows `y0..<y1` of image `x` (Cin×H×W) into `col` ((Cin·kh·kw)×((y1−y0)·Wout)).
private func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry, _ y0: Int, _ y1: Int) {
    let cols = (y1 - y0) * g.outWidth
    // Stride 1 with the output as wide as the input: each kernel tap's rows are one shifted block
    // of the input, copied at once, with the columns the shift wraps round set to zero.
    let sameWidth = g.stride == 1 && g.outWidth == g.width
    parallelRanges(g.inChannels, costPerItem: g.kernelH * g.kernelW * cols) { channels in
        for c in channels {
            let plane = x + c * g.height * g.width
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + ki) * g.kernelW + kj) * cols
                    if sameWidth {
                        shiftedRows(plane, row, g, y0, y1, rowOffset: ki - g.padding.top, shift: kj - g.padding.left)
                        continue
                    }
                    for y in y0..<y1 {
                        let dst = row + (y - y0) * g.outWidth
                        let iy = y * g.stride - g.padding.top + ki
                        if iy < 0 || iy >= g.height {
                            dst.update(repeating: 0, count: g.outWidth)
                            continue
                        }
                        let src = plane + iy * g.width
                        let shift = kj - g.padding.left
                        if g.stride == 1 {
                            // ix = x + shift; valid x in [max(0, −shift), min(Wout, W − shift))
                            let lo = Swift.max(0, -shift), hi = Swift.min(g.outWidth, g.width - shift)
                            if lo > 0 { dst.update(repeating: 0, count: Swift.min(lo, g.outWidth)) }
                            if hi > lo { (dst + lo).update(from: src + lo + shift, count: hi - lo) }
                            if hi < g.outWidth { (dst + Swift.max(hi, 0)).update(repeating: 0, count: g.outWidth - Swift.max(hi, 0)) }
                        } else {
                            for ox in 0..<g.outWidth {
                                let ix = ox * g.stride + shift
                                dst[ox] = (ix >= 0 && ix < g.width) ? src[ix] : 0
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Output rows `y0..<y1` of one kernel tap when the output is as wide as the input (stride 1):
/// `dst[y][x] = plane[y + rowOffset][x + shift]`, zero outside the input.
@inline(__always)
private func shiftedRows(
    _ plane: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ g: ConvGeometry, _ y0: Int, _ y1: Int,
    rowOffset: Int, shift: Int
) {
    let w = g.width
    let lo = Swift.min(y1, Swift.max(y0, -rowOffset)), hi = Swift.max(lo, Swift.min(y1, g.height - rowOffset))
    if lo > y0 { dst.update(repeating: 0, count: (lo - y0) * w) }
    if hi < y1 { (dst + (hi - y0) * w).update(repeating: 0, count: (y1 - hi) * w) }
    guard hi > lo else { return }
    let block = dst + (lo - y0) * w, count = (hi - lo) * w
    let source = plane + (lo + rowOffset) * w + shift
    // The block's first (shift < 0) or last (shift > 0) elements would read outside the plane; they
    // fall in the zeroed columns anyway.
    let skip = Swift.min(count, Swift.abs(shift))
    if shift < 0 {
        (block + skip).update(from: source + skip, count: count - skip)
    } else {
        block.update(from: source, count: count - skip)
    }
    if shift == 0 { return }
    // Column by column down the block: a row-by-row loop would be one `memset` call per row.
    let edge = Swift.min(w, Swift.abs(shift)), first = shift < 0 ? 0 : w - edge
    for e in 0..<edge {
        var column = block + first + e
        for _ in 0..<(hi - lo) {
            column.pointee = 0
            column += w
        }
    }
}

/// Adds the unfolded gradient `col` of output rows `y0..<y1` back into image gradient `gx`.
private func col2im(_ col: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ g: ConvGeometry, _ y0: Int, _ y1: Int) {
    let cols = (y1 - y0) * g.outWidth
    parallelRanges(g.inChannels, costPerItem: g.kernelH * g.kernelW * cols) { channels in
        for c in channels {
            let plane = gx + c * g.height * g.width
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + ki) * g.kernelW + kj) * cols
                    for y in y0..<y1 {
                        let iy = y * g.stride - g.padding.top + ki
                        if iy < 0 || iy >= g.height { continue }
                        let src = row + (y - y0) * g.outWidth
                        let dst = plane + iy * g.width
                        let shift = kj - g.padding.left
                        if g.stride == 1 {
                            let lo = Swift.max(0, -shift), hi = Swift.min(g.outWidth, g.width - shift)
                            if hi > lo {
                                let d = dst + shift
                                for ox in lo..<hi { d[ox] += src[ox] }
                            }
                        } else {
                            for ox in 0..<g.outWidth {
                                let ix = ox * g.stride + shift
                                if ix >= 0 && ix < g.width { dst[ix] += src[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 2-D convolution of `x` (`[N, Cin, H, W]`) with `weight` (`[Cout, Cin, kh, kw]`) and optional
/// `bias` (`[Cout]`), like PyTorch `F.conv2d` with groups = 1 (after `F.pad` for asymmetric
/// padding). Gradients flow to `x` only. A layer that calls it with the same weight again passes
/// its `kernels`, which keeps what the weight is packed into between calls.
public func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding2D = Padding2D(0),
    kernels: ConvKernelCache? = nil
) throws -> Tensor {
    guard x.rank == 4, weight.rank == 4, weight.shape[1] == x.shape[1] else {
        throw TensorError.shapeMismatch("conv2d: input \(x.shape) vs weight \(weight.shape)")
    }
    if let bias, bias.shape != [weight.shape[0]] {
        throw TensorError.shapeMismatch("conv2d: bias \(bias.shape) for weight \(weight.shape)")
    }
    guard stride >= 1, padding.top >= 0, padding.bottom >= 0, padding.left >= 0, padding.right >= 0 else {
        throw TensorError.invalidArgument("conv2d: stride \(stride), padding \(padding)")
    }
    let outH = (x.shape[2] + padding.top + padding.bottom - weight.shape[2]) / stride + 1
    let outW = (x.shape[3] + padding.left + padding.right - weight.shape[3]) / stride + 1
    guard outH > 0, outW > 0 else {
        throw TensorError.shapeMismatch("conv2d: kernel \(weight.shape) larger than padded input \(x.shape)")
    }
    let g = ConvGeometry(
        batch: x.shape[0], inChannels: x.shape[1], height: x.shape[2], width: x.shape[3],
        outChannels: weight.shape[0], kernelH: weight.shape[2], kernelW: weight.shape[3],
        stride: stride, padding: padding, outHeight: outH, outWidth: outW)
    var out = Tensor(uninitializedShape: [g.batch, g.outChannels, outH, outW])
    if g.prefersDirect {
        DirectConv3x3.convolve(x.pointer, weight: weight, kernels: kernels, bias: bias?.pointer, into: out.mutablePointer, g)
    } else {
        convolveByProducts(x, weight: weight, bias: bias, into: out.mutablePointer, g)
    }
    guard let tape = activeTape(x) else { return out }
    let w = weight.detached()
    return tape.record(out, inputs: [x]) { grad in [conv2dInputGradient(grad, weight: w, kernels: kernels, geometry: g)] }
}

/// `o` (`[N, Cout, Hout, Wout]`) = the convolution by OpenBLAS products: one per image for 1×1
/// kernels, Winograd's for large 3×3 ones, im2col bands for the rest.
private func convolveByProducts(
    _ x: Tensor, weight: Tensor, bias: Tensor?, into o: UnsafeMutablePointer<Float>, _ g: ConvGeometry
) {
    let plane = g.outHeight * g.outWidth, outW = g.outWidth, outH = g.outHeight
    if let bias {
        let b = bias.pointer
        for n in 0..<g.batch {
            for c in 0..<g.outChannels { (o + (n * g.outChannels + c) * plane).update(repeating: b[c], count: plane) }
        }
    }
    let beta: Float = bias == nil ? 0 : 1
    let inPlane = g.inChannels * g.height * g.width
    if g.isPointwise {
        for n in 0..<g.batch {
            sgemm(m: g.outChannels, n: plane, k: g.inChannels, a: weight.pointer, lda: g.inChannels,
                  b: x.pointer + n * inPlane, ldb: plane, beta: beta,
                  c: o + n * g.outChannels * plane, ldc: plane)
        }
    } else if g.prefersWinograd {
        if bias == nil { o.update(repeating: 0, count: g.batch * g.outChannels * plane) }
        let u = winogradTransformedWeights(weight)
        defer { u.deallocate() }
        for n in 0..<g.batch {
            winogradConvolve(x.pointer + n * inPlane, o + n * g.outChannels * plane, g, transformedWeights: u)
        }
    } else {
        let band = g.bandRows
        Scratch.with(count: g.patch * band * outW) { col in
            for n in 0..<g.batch {
                var y0 = 0
                while y0 < outH {
                    let y1 = Swift.min(outH, y0 + band)
                    im2col(x.pointer + n * inPlane, col, g, y0, y1)
                    let cols = (y1 - y0) * outW
                    sgemm(m: g.outChannels, n: cols, k: g.patch, a: weight.pointer, lda: g.patch,
                          b: col, ldb: cols, beta: beta,
                          c: o + n * g.outChannels * plane + y0 * outW, ldc: plane)
                    y0 = y1
                }
            }
        }
    }
}

/// `w[c][o][kh−1−i][kw−1−j]` for `w[o][c][i][j]`: the kernel of the transposed convolution.
private func flippedTransposedKernel(_ w: Tensor) -> Tensor {
    let cout = w.shape[0], cin = w.shape[1], kh = w.shape[2], kw = w.shape[3]
    var out = Tensor(uninitializedShape: [cin, cout, kh, kw])
    let src = w.pointer, dst = out.mutablePointer
    for o in 0..<cout {
        for c in 0..<cin {
            for i in 0..<kh {
                for j in 0..<kw {
                    dst[((c * cout + o) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)] = src[((o * cin + c) * kh + i) * kw + j]
                }
            }
        }
    }
    return out
}

/// ∂L/∂x of a convolution given ∂L/∂y: Wᵀ·g folded back onto the input grid (col2im).
private func conv2dInputGradient(_ grad: Tensor, weight: Tensor, kernels: ConvKernelCache?, geometry g: ConvGeometry) -> Tensor {
    let inPlane = g.inChannels * g.height * g.width
    let plane = g.outHeight * g.outWidth
    if g.isPointwise {
        var gx = Tensor(uninitializedShape: [g.batch, g.inChannels, g.height, g.width])
        for n in 0..<g.batch {
            sgemm(transA: true, m: g.inChannels, n: plane, k: g.outChannels, a: weight.pointer, lda: g.inChannels,
                  b: grad.pointer + n * g.outChannels * plane, ldb: plane,
                  c: gx.mutablePointer + n * inPlane, ldc: plane)
        }
        return gx
    }
    if let transposed = g.inputGradientConvolution, transposed.prefersDirect {
        var gx = Tensor(uninitializedShape: [g.batch, g.inChannels, g.height, g.width])
        DirectConv3x3.convolve(grad.pointer, weight: weight, transposing: true, kernels: kernels, bias: nil,
                               into: gx.mutablePointer, transposed)
        return gx
    }
    var gx = Tensor(zeros: [g.batch, g.inChannels, g.height, g.width])
    if g.prefersWinograd, let transposed = g.inputGradientConvolution {
        let u = winogradTransformedWeights(flippedTransposedKernel(weight))
        defer { u.deallocate() }
        for n in 0..<g.batch {
            winogradConvolve(grad.pointer + n * g.outChannels * plane, gx.mutablePointer + n * inPlane,
                             transposed, transformedWeights: u)
        }
        return gx
    }
    let band = g.bandRows
    Scratch.with(count: g.patch * band * g.outWidth) { col in
        for n in 0..<g.batch {
            var y0 = 0
            while y0 < g.outHeight {
                let y1 = Swift.min(g.outHeight, y0 + band)
                let cols = (y1 - y0) * g.outWidth
                // col = Wᵀ [patch × Cout] · g[:, band] [Cout × cols]
                sgemm(transA: true, m: g.patch, n: cols, k: g.outChannels, a: weight.pointer, lda: g.patch,
                      b: grad.pointer + n * g.outChannels * plane + y0 * g.outWidth, ldb: plane,
                      c: col, ldc: cols)
                col2im(col, gx.mutablePointer + n * inPlane, g, y0, y1)
                y0 = y1
            }
        }
    }
    return gx
}

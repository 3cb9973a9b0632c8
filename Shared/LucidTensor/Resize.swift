/// Spatial resizing of NCHW images: nearest ×2 upsampling (the UNet/VAE upsamplers) and resizing
/// to a size with nearest or bilinear interpolation (PyTorch `F.interpolate`, align_corners=False),
/// with their gradients (the transposed scatter).

/// How `resize` interpolates.
public enum ResizeMode: Sendable {
    /// PyTorch `mode="nearest"`: source index ⌊dst·in/out⌋.
    case nearest
    /// PyTorch `mode="bilinear", align_corners=False`.
    case bilinear
}

/// The source taps of one output coordinate: two indices and the weight of the second.
struct ResizeTap { let i0: Int; let i1: Int; let w1: Float }

func resizeTaps(input: Int, output: Int, mode: ResizeMode) -> [ResizeTap] {
    let scale = Float(input) / Float(output)
    return (0..<output).map { o in
        switch mode {
        case .nearest:
            let i = Swift.min(Int((Float(o) * scale).rounded(.down)), input - 1)
            return ResizeTap(i0: i, i1: i, w1: 0)
        case .bilinear:
            let src = Swift.max((Float(o) + 0.5) * scale - 0.5, 0)
            let i0 = Swift.min(Int(src), input - 1)
            let i1 = Swift.min(i0 + 1, input - 1)
            return ResizeTap(i0: i0, i1: i1, w1: src - Float(i0))
        }
    }
}

/// `x` (`[N, C, H, W]`) resized to `height`×`width`.
public func resize(_ x: Tensor, height: Int, width: Int, mode: ResizeMode) throws -> Tensor {
    guard x.rank == 4, height > 0, width > 0, x.shape[2] > 0, x.shape[3] > 0 else {
        throw TensorError.invalidArgument("resize: input \(x.shape) to \(height)×\(width)")
    }
    let planes = x.shape[0] * x.shape[1], inH = x.shape[2], inW = x.shape[3]
    let ty = resizeTaps(input: inH, output: height, mode: mode)
    let tx = resizeTaps(input: inW, output: width, mode: mode)
    var out = Tensor(uninitializedShape: [x.shape[0], x.shape[1], height, width])
    let src = x.pointer, dst = out.mutablePointer
    ty.withUnsafeBufferPointer { ty in
        tx.withUnsafeBufferPointer { tx in
            parallelRanges(planes, costPerItem: height * width * 4) { r in
                for p in r {
                    let s = src + p * inH * inW, o = dst + p * height * width
                    for y in 0..<height {
                        let a = ty[y]
                        let r0 = s + a.i0 * inW, r1 = s + a.i1 * inW
                        let orow = o + y * width
                        for xo in 0..<width {
                            let b = tx[xo]
                            let top = r0[b.i0] + b.w1 * (r0[b.i1] - r0[b.i0])
                            let bottom = r1[b.i0] + b.w1 * (r1[b.i1] - r1[b.i0])
                            orow[xo] = top + a.w1 * (bottom - top)
                        }
                    }
                }
            }
        }
    }
    guard let tape = activeTape(x) else { return out }
    let inputShape = x.shape
    return tape.record(out, inputs: [x]) { g in
        var gx = Tensor(zeros: inputShape)
        let gs = g.pointer, d = gx.mutablePointer
        parallelRanges(planes, costPerItem: height * width * 4) { r in
            for p in r {
                let s = gs + p * height * width, o = d + p * inH * inW
                for y in 0..<height {
                    let a = ty[y]
                    let r0 = o + a.i0 * inW, r1 = o + a.i1 * inW
                    for xo in 0..<width {
                        let b = tx[xo]
                        let v = s[y * width + xo]
                        let vTop = v * (1 - a.w1), vBottom = v * a.w1
                        r0[b.i0] += vTop * (1 - b.w1); r0[b.i1] += vTop * b.w1
                        r1[b.i0] += vBottom * (1 - b.w1); r1[b.i1] += vBottom * b.w1
                    }
                }
            }
        }
        return [gx]
    }
}

/// Nearest-neighbour ×2 upsampling of `x` (`[N, C, H, W]` → `[N, C, 2H, 2W]`), as diffusers'
/// `Upsample2D` does before its convolution.
public func upsampleNearest2x(_ x: Tensor) throws -> Tensor {
    guard x.rank == 4 else { throw TensorError.shapeMismatch("upsampleNearest2x: input \(x.shape)") }
    let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
    var out = Tensor(uninitializedShape: [x.shape[0], x.shape[1], 2 * h, 2 * w])
    let src = x.pointer, dst = out.mutablePointer
    parallelRanges(planes * h, costPerItem: w * 4) { r in
        for row in r {
            let s = src + row * w, o = dst + row * 4 * w
            for i in 0..<w { o[2 * i] = s[i]; o[2 * i + 1] = s[i] }
            (o + 2 * w).update(from: o, count: 2 * w)
        }
    }
    guard let tape = activeTape(x) else { return out }
    let inputShape = x.shape
    return tape.record(out, inputs: [x]) { g in
        var gx = Tensor(uninitializedShape: inputShape)
        let gs = g.pointer, d = gx.mutablePointer
        parallelRanges(planes * h, costPerItem: w * 4) { r in
            for row in r {
                let a = gs + row * 4 * w, b = a + 2 * w, o = d + row * w
                for i in 0..<w { o[i] = a[2 * i] + a[2 * i + 1] + b[2 * i] + b[2 * i + 1] }
            }
        }
        return [gx]
    }
}

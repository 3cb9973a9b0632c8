/// Group normalisation (with an optional fused SiLU, the `norm → silu` pair of every ResNet block)
/// and layer normalisation, with their gradients with respect to the input.
import CLucidKernels
import Foundation

/// An activation applied right after a normalisation, in the same pass over memory.
public enum NormActivation: Sendable {
    case identity
    case silu
}

/// Mean and 1/σ of `n` contiguous floats (two passes; `lucid_moments`).
@inline(__always)
private func moments(_ p: UnsafePointer<Float>, _ n: Int, eps: Float) -> (mean: Float, rstd: Float) {
    var mean: Float = 0, rstd: Float = 0
    lucid_moments(p, n, eps, &mean, &rstd)
    return (mean, rstd)
}

/// Group normalisation of `x` (`[N, C, ...]`) over `groups` channel groups, then the per-channel
/// affine `weight`, `bias` (`[C]`) and the optional `activation` (PyTorch `nn.GroupNorm`).
public func groupNorm(
    _ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float,
    activation: NormActivation = .identity
) throws -> Tensor {
    guard x.rank >= 2, groups > 0, x.shape[1] % groups == 0 else {
        throw TensorError.shapeMismatch("groupNorm: \(groups) groups for input \(x.shape)")
    }
    let channels = x.shape[1]
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let t, t.shape != [channels] {
            throw TensorError.shapeMismatch("groupNorm: \(name) \(t.shape) for \(channels) channels")
        }
    }
    let batch = x.shape[0]
    let spatial = x.count / Swift.max(batch * channels, 1)
    let perGroup = channels / groups
    let span = perGroup * spatial
    let units = batch * groups
    var out = Tensor(uninitializedShape: x.shape)
    var stats = [Float](repeating: 0, count: 2 * units)
    let src = x.pointer, dst = out.mutablePointer
    let w = weight?.pointer, b = bias?.pointer
    stats.withUnsafeMutableBufferPointer { st in
        let st = st.baseAddress!
        parallelRanges(units, costPerItem: span * 4) { r in
            for u in r {
                let base = u * span
                let (mean, rstd) = moments(src + base, span, eps: eps)
                st[2 * u] = mean
                st[2 * u + 1] = rstd
                let group = u % groups
                for cg in 0..<perGroup {
                    let c = group * perGroup + cg
                    let scale = rstd * (w?[c] ?? 1)
                    let shift = (b?[c] ?? 0) - mean * scale
                    let xs = src + base + cg * spatial, ys = dst + base + cg * spatial
                    switch activation {
                    case .identity: for i in 0..<spatial { ys[i] = xs[i] * scale + shift }
                    case .silu: lucid_silu_affine(xs, ys, spatial, scale, shift)
                    }
                }
            }
        }
    }
    guard let tape = activeTape(x) else { return out }
    let cx = x.detached(), cw = weight?.detached(), cb = bias?.detached()
    return tape.record(out, inputs: [x]) { grad in
        var gx = Tensor(uninitializedShape: cx.shape)
        let xs0 = cx.pointer, gs0 = grad.pointer, d0 = gx.mutablePointer
        let w = cw?.pointer, b = cb?.pointer
        stats.withUnsafeBufferPointer { st in
            parallelRanges(units, costPerItem: span * 8) { r in
                for u in r {
                    let base = u * span
                    let mean = st[2 * u], rstd = st[2 * u + 1]
                    let group = u % groups
                    // Pass 1: Σ dŷ and Σ dŷ·x̂, with dŷ = dy·γ (·silu′ when fused); dŷ kept in gx.
                    var sumD: Double = 0, sumDX: Double = 0
                    for cg in 0..<perGroup {
                        let c = group * perGroup + cg
                        let gamma = w?[c] ?? 1, beta = b?[c] ?? 0
                        let xs = xs0 + base + cg * spatial, gs = gs0 + base + cg * spatial
                        var sums: (Float, Float) = (0, 0)
                        withUnsafeMutablePointer(to: &sums) {
                            $0.withMemoryRebound(to: Float.self, capacity: 2) { sums in
                                lucid_norm_backward_pass(xs, gs, d0 + base + cg * spatial, spatial, mean, rstd, gamma, beta,
                                                         activation == .silu ? 1 : 0, sums)
                            }
                        }
                        sumD += Double(sums.0); sumDX += Double(sums.1)
                    }
                    let m1 = Float(sumD / Double(span)), m2 = Float(sumDX / Double(span))
                    for i in 0..<span {
                        let xhat = (xs0[base + i] - mean) * rstd
                        d0[base + i] = rstd * (d0[base + i] - m1 - xhat * m2)
                    }
                }
            }
        }
        return [gx]
    }
}

/// Layer normalisation over the last axis of `x`, then the affine `weight`, `bias` (`[D]`)
/// (PyTorch `nn.LayerNorm`).
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) throws -> Tensor {
    guard let d = x.shape.last, d > 0 else {
        throw TensorError.shapeMismatch("layerNorm: input \(x.shape)")
    }
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let t, t.shape != [d] {
            throw TensorError.shapeMismatch("layerNorm: \(name) \(t.shape) for last axis \(d)")
        }
    }
    let rows = x.count / d
    var out = Tensor(uninitializedShape: x.shape)
    var stats = [Float](repeating: 0, count: 2 * rows)
    let src = x.pointer, dst = out.mutablePointer
    let w = weight?.pointer, b = bias?.pointer
    stats.withUnsafeMutableBufferPointer { st in
        let st = st.baseAddress!
        parallelRanges(rows, costPerItem: d * 4) { r in
            for row in r {
                let xs = src + row * d, ys = dst + row * d
                let (mean, rstd) = moments(xs, d, eps: eps)
                st[2 * row] = mean
                st[2 * row + 1] = rstd
                if let w, let b {
                    for i in 0..<d { ys[i] = (xs[i] - mean) * rstd * w[i] + b[i] }
                } else {
                    for i in 0..<d { ys[i] = (xs[i] - mean) * rstd * (w?[i] ?? 1) + (b?[i] ?? 0) }
                }
            }
        }
    }
    guard let tape = activeTape(x) else { return out }
    let cx = x.detached(), cw = weight?.detached()
    return tape.record(out, inputs: [x]) { grad in
        var gx = Tensor(uninitializedShape: cx.shape)
        let xs0 = cx.pointer, gs0 = grad.pointer, d0 = gx.mutablePointer
        let w = cw?.pointer
        stats.withUnsafeBufferPointer { st in
            parallelRanges(rows, costPerItem: d * 8) { r in
                for row in r {
                    let mean = st[2 * row], rstd = st[2 * row + 1]
                    let xs = xs0 + row * d, gs = gs0 + row * d, ds = d0 + row * d
                    var a1: Float = 0, a2: Float = 0
                    for i in 0..<d {
                        let xhat = (xs[i] - mean) * rstd
                        let dh = gs[i] * (w?[i] ?? 1)
                        ds[i] = dh
                        a1 += dh
                        a2 += dh * xhat
                    }
                    let m1 = a1 / Float(d), m2 = a2 / Float(d)
                    for i in 0..<d {
                        let xhat = (xs[i] - mean) * rstd
                        ds[i] = rstd * (ds[i] - m1 - xhat * m2)
                    }
                }
            }
        }
        return [gx]
    }
}

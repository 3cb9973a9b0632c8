/// Activation functions of the Stable Diffusion models: SiLU, GELU (exact, erf), quick-GELU
/// (CLIP), GEGLU (the transformer feed-forward gate), with their gradients.
import CLucidKernels
import Foundation


@inline(__always) func siluDerivative(_ x: Float) -> Float {
    let s = 1 / (1 + Foundation.exp(-x))
    return s * (1 + x * (1 - s))
}

@inline(__always) func geluDerivative(_ x: Float) -> Float {
    let cdf = 0.5 * (1 + Foundation.erf(x * 0.707_106_77))
    let pdf = 0.398_942_3 * Foundation.exp(-0.5 * x * x)
    return cdf + x * pdf
}

/// x·σ(x) (a.k.a. swish).
public func silu(_ x: Tensor) -> Tensor {
    let out = x.kernelMapped { lucid_silu_affine($0, $1, $2, 1, 0) }
    guard let tape = activeTape(x) else { return out }
    let cx = x.detached()
    return tape.record(out, inputs: [x]) { g in [g.zipped(cx) { g, x in g * siluDerivative(x) }] }
}

/// Exact GELU: x·Φ(x) with the Gaussian CDF Φ (PyTorch's default `approximate="none"`).
public func gelu(_ x: Tensor) -> Tensor {
    let out = x.kernelMapped { lucid_gelu($0, $1, $2) }
    guard let tape = activeTape(x) else { return out }
    let cx = x.detached()
    return tape.record(out, inputs: [x]) { g in [g.zipped(cx) { g, x in g * geluDerivative(x) }] }
}

/// CLIP's quick GELU: x·σ(1.702x).
public func quickGELU(_ x: Tensor) -> Tensor {
    let out = x.kernelMapped { lucid_quick_gelu($0, $1, $2) }
    guard let tape = activeTape(x) else { return out }
    let cx = x.detached()
    return tape.record(out, inputs: [x]) { g in
        [g.zipped(cx) { g, x in
            let s = 1 / (1 + Foundation.exp(-1.702 * x))
            return g * (s + 1.702 * x * s * (1 - s))
        }]
    }
}

/// GEGLU: splits the last axis of `x` (size 2F) into value and gate halves and returns
/// `value · gelu(gate)` (size F), as in diffusers' `GEGLU` after its projection.
public func geglu(_ x: Tensor) throws -> Tensor {
    guard let last = x.shape.last, last % 2 == 0 else {
        throw TensorError.shapeMismatch("geglu: last axis of \(x.shape) must be even")
    }
    let f = last / 2
    let rows = x.count / Swift.max(last, 1)
    var outShape = x.shape
    outShape[outShape.count - 1] = f
    var out = Tensor(uninitializedShape: outShape)
    let src = x.pointer, dst = out.mutablePointer
    parallelRanges(rows, costPerItem: f * 8) { r in
        for row in r {
            let v = src + row * last, gt = v + f, o = dst + row * f
            lucid_gated_gelu(v, gt, o, f)
        }
    }
    guard let tape = activeTape(x) else { return out }
    let cx = x.detached()
    return tape.record(out, inputs: [x]) { g in
        var gx = Tensor(uninitializedShape: cx.shape)
        let xs = cx.pointer, gs = g.pointer, d = gx.mutablePointer
        parallelRanges(rows, costPerItem: f * 8) { r in
            for row in r {
                let v = xs + row * last, gt = v + f, go = gs + row * f
                let dv = d + row * last
                lucid_gated_gelu_backward(v, gt, go, dv, dv + f, f)
            }
        }
        return [gx]
    }
}

/// Fully connected layers and matrix products: `linear` (x·Wᵀ + b over the last axis) and batched
/// `matmul`, with gradients with respect to their activation inputs.

/// `x · weightᵀ + bias` over the last axis of `x` (PyTorch `nn.Linear`): `x` is `[..., in]`,
/// `weight` is `[out, in]`, `bias` is `[out]`. Gradients flow to `x` only (weights are constants).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
    guard weight.rank == 2, let inFeatures = x.shape.last, weight.shape[1] == inFeatures else {
        throw TensorError.shapeMismatch("linear: input \(x.shape) vs weight \(weight.shape)")
    }
    let outFeatures = weight.shape[0]
    if let bias, bias.shape != [outFeatures] {
        throw TensorError.shapeMismatch("linear: bias \(bias.shape) for weight \(weight.shape)")
    }
    let rows = x.count / Swift.max(inFeatures, 1)
    var outShape = x.shape
    outShape[outShape.count - 1] = outFeatures
    var out = Tensor(uninitializedShape: outShape)
    let o = out.mutablePointer
    if let bias {
        let b = bias.pointer
        for r in 0..<rows { (o + r * outFeatures).update(from: b, count: outFeatures) }
    }
    sgemm(transB: true, m: rows, n: outFeatures, k: inFeatures,
          a: x.pointer, lda: inFeatures, b: weight.pointer, ldb: inFeatures,
          beta: bias == nil ? 0 : 1, c: o, ldc: outFeatures)
    guard let tape = activeTape(x) else { return out }
    let w = weight.detached()
    let inputShape = x.shape
    return tape.record(out, inputs: [x]) { g in
        var gx = Tensor(uninitializedShape: inputShape)
        sgemm(m: rows, n: inFeatures, k: outFeatures, a: g.pointer, lda: outFeatures,
              b: w.pointer, ldb: inFeatures, c: gx.mutablePointer, ldc: inFeatures)
        return [gx]
    }
}

/// Matrix product over the last two axes: `a` is `[..., m, k]`, `b` is `[..., k, n]` with the
/// same leading axes, or `[k, n]` (shared by every batch). Differentiable in both.
public func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard a.rank >= 2, b.rank >= 2, a.shape[a.rank - 1] == b.shape[b.rank - 2],
          b.rank == 2 || Array(a.shape.dropLast(2)) == Array(b.shape.dropLast(2))
    else {
        throw TensorError.shapeMismatch("matmul: \(a.shape) × \(b.shape)")
    }
    let out = matmulUntracked(a, b, transA: false, transB: false)
    guard let tape = activeTape(a, b) else { return out }
    let ca = a.detached(), cb = b.detached()
    let ta = a.tracker?.tape === tape, tb = b.tracker?.tape === tape
    return tape.record(out, inputs: [a, b]) { g in
        let ga = ta ? matmulUntracked(g, cb, transA: false, transB: true) : nil
        var gb: Tensor? = nil
        if tb {
            if cb.rank == 2 {
                // Shared B: sum over the batch, i.e. (all rows of A)ᵀ · (all rows of g).
                let k = ca.shape[ca.rank - 1], n = cb.shape[1]
                let rows = ca.count / k
                var r = Tensor(uninitializedShape: [k, n])
                sgemm(transA: true, m: k, n: n, k: rows, a: ca.pointer, lda: k, b: g.pointer, ldb: n,
                      c: r.mutablePointer, ldc: n)
                gb = r
            } else {
                gb = matmulUntracked(ca, g, transA: true, transB: false)
            }
        }
        return [ga, gb]
    }
}

/// Batched op(a)·op(b) over the last two axes (b may be 2-D and shared), no recording.
func matmulUntracked(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool) -> Tensor {
    let ar = a.shape[a.rank - 2], ac = a.shape[a.rank - 1]
    let br = b.shape[b.rank - 2], bc = b.shape[b.rank - 1]
    let m = transA ? ac : ar, k = transA ? ar : ac
    let n = transB ? br : bc
    let batch = a.count / Swift.max(ar * ac, 1)
    var outShape = Array(a.shape.dropLast(2))
    outShape += [m, n]
    var out = Tensor(uninitializedShape: outShape)
    let bShared = b.rank == 2
    if bShared && !transA {
        sgemm(transB: transB, m: batch * m, n: n, k: k, a: a.pointer, lda: ac, b: b.pointer, ldb: bc,
              c: out.mutablePointer, ldc: n)
        return out
    }
    for i in 0..<batch {
        sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
              a: a.pointer + i * ar * ac, lda: ac,
              b: b.pointer + (bShared ? 0 : i * br * bc), ldb: bc,
              c: out.mutablePointer + i * m * n, ldc: n)
    }
    return out
}

/// Softmax along an axis, with its gradient.
import CLucidKernels

/// Softmax in place over `rows` rows of `n` contiguous floats.
@inline(__always)
func softmaxRows(_ p: UnsafeMutablePointer<Float>, rows: Range<Int>, n: Int) {
    for r in rows { lucid_softmax_row(p + r * n, n) }
}

/// Softmax along `axis` (default: the last).
public func softmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
    let a = try Tensor.axis(axis, rank: x.rank, op: "softmax")
    guard a == x.rank - 1 else {
        let moved = try x.transposed(a, x.rank - 1)
        return try softmax(moved, axis: -1).transposed(a, x.rank - 1)
    }
    let n = x.shape[a]
    let rows = x.count / Swift.max(n, 1)
    var out = x.copy()
    let p = out.mutablePointer
    parallelRanges(rows, costPerItem: n * 8) { r in softmaxRows(p, rows: r, n: n) }
    guard let tape = activeTape(x) else { return out }
    let y = out.detached()
    return tape.record(out, inputs: [x]) { g in
        // dx = y ⊙ (g − Σ g⊙y)
        var gx = Tensor(uninitializedShape: y.shape)
        let ys = y.pointer, gs = g.pointer, d = gx.mutablePointer
        parallelRanges(rows, costPerItem: n * 4) { r in
            for row in r {
                let yr = ys + row * n, gr = gs + row * n, dr = d + row * n
                var dot: Float = 0
                for i in 0..<n { dot += yr[i] * gr[i] }
                for i in 0..<n { dr[i] = yr[i] * (gr[i] - dot) }
            }
        }
        return [gx]
    }
}

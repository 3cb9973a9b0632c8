/// Multi-head scaled dot-product attention, softmax(Q·Kᵀ·scale)·V, with bounded memory: queries
/// are processed in chunks, one head at a time, so only one chunk×keys score matrix exists at once
/// (4096-token self-attention never holds all heads' 4096² scores). Heads are read in place from
/// the `[B, L, heads·D]` projections (no split/merge copies). The gradient recomputes each chunk's
/// scores instead of storing them.
import Dispatch

/// Attention of `query` (`[B, Lq, H·D]`) over `key` (`[B, Lk, H·D]`) and `value`
/// (`[B, Lk, H·Dv]`) with `heads` heads; returns `[B, Lq, H·Dv]` with heads merged (PyTorch
/// `F.scaled_dot_product_attention` after diffusers' head split, then the merge).
/// `scale` defaults to 1/√D; `causal` masks keys after each query (CLIP's text encoder);
/// `queryChunk` bounds the score buffer (default: about 4 M floats).
public func scaledDotProductAttention(
    query: Tensor, key: Tensor, value: Tensor, heads: Int,
    scale: Float? = nil, causal: Bool = false, queryChunk: Int? = nil
) throws -> Tensor {
    guard query.rank == 3, key.rank == 3, value.rank == 3, heads > 0,
          query.shape[0] == key.shape[0], key.shape[0] == value.shape[0], key.shape[1] == value.shape[1],
          query.shape[2] == key.shape[2], query.shape[2] % heads == 0, value.shape[2] % heads == 0
    else {
        throw TensorError.shapeMismatch(
            "attention: query \(query.shape), key \(key.shape), value \(value.shape), \(heads) heads")
    }
    if let queryChunk, queryChunk < 1 {
        throw TensorError.invalidArgument("attention: query chunk \(queryChunk)")
    }
    let geometry = AttentionGeometry(query: query.shape, key: key.shape, value: value.shape, heads: heads,
                                     scale: scale, causal: causal, queryChunk: queryChunk)
    var out = Tensor(uninitializedShape: [geometry.batch, geometry.lq, heads * geometry.dv])
    geometry.forward(query.pointer, key.pointer, value.pointer, out.mutablePointer)
    guard let tape = activeTape(query, key, value) else { return out }
    let q = query.detached(), k = key.detached(), v = value.detached()
    let tracked = [query, key, value].map { $0.tracker?.tape === tape }
    return tape.record(out, inputs: [query, key, value]) { g in
        var gq = Tensor(zeros: q.shape), gk = Tensor(zeros: k.shape), gv = Tensor(zeros: v.shape)
        geometry.backward(q.pointer, k.pointer, v.pointer, g.pointer,
                          gq.mutablePointer, gk.mutablePointer, gv.mutablePointer)
        return [tracked[0] ? gq : nil, tracked[1] ? gk : nil, tracked[2] ? gv : nil]
    }
}

/// Sizes, strides and the chunked loops of one attention call.
///
/// With at least as many (batch, head) pairs as threads, each thread takes whole heads and runs
/// single-threaded products on query chunks of a few MB of scores; otherwise (e.g. the
/// VAE's one-head attention) heads run one after another with multi-threaded products.
struct AttentionGeometry {
    let batch: Int, lq: Int, lk: Int, heads: Int, d: Int, dv: Int
    let scale: Float, causal: Bool, chunk: Int
    /// Threads that each take whole heads (1: heads in sequence, BLAS threads inside).
    let workers: Int

    init(query: [Int], key: [Int], value: [Int], heads: Int, scale: Float?, causal: Bool, queryChunk: Int?) {
        batch = query[0]; lq = query[1]; lk = key[1]
        self.heads = heads
        d = query[2] / heads; dv = value[2] / heads
        self.scale = scale ?? 1 / Float(d).squareRoot()
        self.causal = causal
        let threads = Engine.threads
        workers = (threads > 1 && batch * heads >= threads) ? threads : 1
        // Per-worker score buffer: ~1 M floats (4 MB) when heads run in parallel, else ~4 M floats;
        // big enough that packing K for each chunk's product stays a small share of the work.
        let budget = workers > 1 ? (1 << 20) : (4 << 20)
        chunk = Swift.max(1, Swift.min(lq, queryChunk ?? Swift.max(16, budget / Swift.max(lk, 1))))
    }

    var qRow: Int { heads * d }
    var vRow: Int { heads * dv }

    /// Runs `body(b, h)` for every (batch, head): spread over `workers` threads with OpenBLAS
    /// single-threaded, or in sequence.
    func forEachHead(_ body: (Int, Int, Int) -> Void) {
        if workers == 1 {
            for b in 0..<batch { for h in 0..<heads { body(0, b, h) } }
            return
        }
        concurrentPerform(iterations: workers) { worker in
            var item = worker
            while item < batch * heads {
                body(worker, item / heads, item % heads)
                item += workers
            }
        }
    }

    /// Scores of queries `i0..<i0+rows` of one (batch, head): `s = scale·q·kᵀ`, masked, softmaxed.
    @inline(__always)
    func probabilities(_ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ s: UnsafeMutablePointer<Float>, i0: Int, rows: Int) {
        sgemm(transB: true, m: rows, n: lk, k: d, alpha: scale, a: q + i0 * qRow, lda: qRow, b: k, ldb: qRow,
              c: s, ldc: lk)
        if causal {
            let offset = lk - lq
            for r in 0..<rows {
                let first = Swift.max(i0 + r + offset + 1, 0)
                if first < lk { (s + r * lk + first).update(repeating: -.infinity, count: lk - first) }
            }
        }
        if workers > 1 {
            softmaxRows(s, rows: 0..<rows, n: lk)
        } else {
            parallelRanges(rows, costPerItem: lk * 8) { r in softmaxRows(s, rows: r, n: lk) }
        }
    }

    func forward(_ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>) {
        let buffers = UnsafeMutablePointer<Float>.allocate(capacity: workers * chunk * lk)
        defer { buffers.deallocate() }
        forEachHead { worker, b, h in
            let s = buffers + worker * chunk * lk
            let qb = q + b * lq * qRow + h * d, kb = k + b * lk * qRow + h * d
            let vb = v + b * lk * vRow + h * dv, ob = o + b * lq * vRow + h * dv
            var i0 = 0
            while i0 < lq {
                let rows = Swift.min(chunk, lq - i0)
                probabilities(qb, kb, s, i0: i0, rows: rows)
                sgemm(m: rows, n: dv, k: lk, a: s, lda: lk, b: vb, ldb: vRow, c: ob + i0 * vRow, ldc: vRow)
                i0 += rows
            }
        }
    }

    /// Gradients (accumulated into zeroed gq, gk, gv) given the output gradient `g`.
    func backward(
        _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
        _ gq: UnsafeMutablePointer<Float>, _ gk: UnsafeMutablePointer<Float>, _ gv: UnsafeMutablePointer<Float>
    ) {
        let buffers = UnsafeMutablePointer<Float>.allocate(capacity: 2 * workers * chunk * lk)
        defer { buffers.deallocate() }
        let scale = self.scale, lk = self.lk, parallelRows = workers == 1
        forEachHead { worker, b, h in
            let p = buffers + 2 * worker * chunk * lk, dp = p + chunk * lk
            let qb = q + b * lq * qRow + h * d, kb = k + b * lk * qRow + h * d
            let vb = v + b * lk * vRow + h * dv, gb = g + b * lq * vRow + h * dv
            let gqb = gq + b * lq * qRow + h * d, gkb = gk + b * lk * qRow + h * d
            let gvb = gv + b * lk * vRow + h * dv
            var i0 = 0
            while i0 < lq {
                let rows = Swift.min(chunk, lq - i0)
                probabilities(qb, kb, p, i0: i0, rows: rows)
                // dV += Pᵀ·dO
                sgemm(transA: true, m: lk, n: dv, k: rows, a: p, lda: lk, b: gb + i0 * vRow, ldb: vRow,
                      beta: 1, c: gvb, ldc: vRow)
                // dP = dO·Vᵀ
                sgemm(transB: true, m: rows, n: lk, k: dv, a: gb + i0 * vRow, lda: vRow, b: vb, ldb: vRow,
                      c: dp, ldc: lk)
                // dS = P ⊙ (dP − Σ dP⊙P) · scale
                let softmaxBackward = { (r: Range<Int>) in
                    for row in r {
                        let pr = p + row * lk, dr = dp + row * lk
                        var dot: Float = 0
                        for j in 0..<lk { dot += pr[j] * dr[j] }
                        for j in 0..<lk { dr[j] = pr[j] * (dr[j] - dot) * scale }
                    }
                }
                if parallelRows { parallelRanges(rows, costPerItem: lk * 4, softmaxBackward) } else { softmaxBackward(0..<rows) }
                // dQ = dS·K ; dK += dSᵀ·Q
                sgemm(m: rows, n: d, k: lk, a: dp, lda: lk, b: kb, ldb: qRow, c: gqb + i0 * qRow, ldc: qRow)
                sgemm(transA: true, m: lk, n: d, k: rows, a: dp, lda: lk, b: qb + i0 * qRow, ldb: qRow,
                      beta: 1, c: gkb, ldc: qRow)
                i0 += rows
            }
        }
    }
}

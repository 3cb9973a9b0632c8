/// Broadcasting (NumPy rules) for binary ops, and its adjoint: summing a gradient back to the shape
/// of a broadcast input.

/// The loop nest that walks two broadcast operands over an output shape, with adjacent dimensions
/// merged where the layout allows (so per-channel or per-row broadcasts become one inner loop).
struct BroadcastPlan {
    /// Output shape.
    let shape: [Int]
    /// Merged loop extents, outermost first (at least one).
    let dims: [Int]
    let aStrides: [Int]
    let bStrides: [Int]

    init(_ a: [Int], _ b: [Int], op: String) throws {
        let rank = Swift.max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            if pa[i] == pb[i] || pb[i] == 1 { out[i] = pa[i] } else if pa[i] == 1 { out[i] = pb[i] } else {
                throw TensorError.shapeMismatch("\(op): shapes \(a) and \(b) do not broadcast")
            }
        }
        shape = out
        (dims, aStrides, bStrides) = BroadcastPlan.merge(out: out, pa, pb)
    }

    /// Plan for reading `source` (broadcast) while writing `out`; `bStrides` are unused zeros.
    init(reading source: [Int], into out: [Int]) {
        let pa = Array(repeating: 1, count: out.count - source.count) + source
        shape = out
        (dims, aStrides, bStrides) = BroadcastPlan.merge(out: out, pa, out)
    }

    private static func merge(out: [Int], _ pa: [Int], _ pb: [Int]) -> ([Int], [Int], [Int]) {
        func strides(_ s: [Int]) -> [Int] {
            var r = [Int](repeating: 0, count: s.count)
            var acc = 1
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                r[i] = (s[i] == 1 && out[i] != 1) ? 0 : acc
                acc *= s[i]
            }
            return r
        }
        let sa = strides(pa), sb = strides(pb)
        var dims: [Int] = [], ra: [Int] = [], rb: [Int] = []
        for i in 0..<out.count where out[i] != 1 {
            if let lastA = ra.last, let lastB = rb.last, lastA == sa[i] * out[i], lastB == sb[i] * out[i] {
                dims[dims.count - 1] *= out[i]
                ra[ra.count - 1] = sa[i]
                rb[rb.count - 1] = sb[i]
            } else {
                dims.append(out[i]); ra.append(sa[i]); rb.append(sb[i])
            }
        }
        if dims.isEmpty { return ([1], [0], [0]) }
        return (dims, ra, rb)
    }

    /// Number of inner rows (product of all but the innermost extent).
    var rows: Int { dims.dropLast().reduce(1, *) }
    var inner: Int { dims.last! }

    /// Offsets of `row` (an index over the outer extents) into a and b.
    @inline(__always) func offsets(ofRow row: Int) -> (Int, Int) {
        var r = row, oa = 0, ob = 0
        var d = dims.count - 2
        while d >= 0 {
            let i = r % dims[d]
            r /= dims[d]
            oa += i * aStrides[d]
            ob += i * bStrides[d]
            d -= 1
        }
        return (oa, ob)
    }
}

extension Tensor {
    /// Sums this tensor over the dimensions that broadcasting added to reach it from `target`
    /// (the adjoint of broadcasting a `target`-shaped tensor to this shape).
    func summed(toShape target: [Int]) -> Tensor {
        if target == shape { return detached() }
        var out = Tensor(zeros: target)
        let plan = BroadcastPlan(reading: target, into: shape)
        let src = pointer, dst = out.mutablePointer
        let inner = plan.inner, sa = plan.aStrides.last!
        var k = 0
        for row in 0..<plan.rows {
            let (o, _) = plan.offsets(ofRow: row)
            let d = dst + o
            let s = src + k
            if sa == 0 {
                var acc: Float = 0
                for i in 0..<inner { acc += s[i] }
                d[0] += acc
            } else {
                for i in 0..<inner { d[i] += s[i] }
            }
            k += inner
        }
        return out
    }

    /// This tensor broadcast (copied) to `target`.
    public func broadcast(to target: [Int]) throws -> Tensor {
        let plan = try BroadcastPlan(shape, target, op: "broadcast")
        guard plan.shape == target else {
            throw TensorError.shapeMismatch("broadcast: \(shape) cannot broadcast to \(target)")
        }
        if shape == target { return self }
        var out = Tensor(uninitializedShape: target)
        let src = pointer, dst = out.mutablePointer
        let inner = plan.inner, sa = plan.aStrides.last!
        for row in 0..<plan.rows {
            let (o, _) = plan.offsets(ofRow: row)
            let d = dst + row * inner
            if sa == 0 { d.update(repeating: src[o], count: inner) } else { d.update(from: src + o, count: inner) }
        }
        let inputShape = shape
        if let tape = activeTape(self) {
            return tape.record(out, inputs: [self]) { g in [g.summed(toShape: inputShape)] }
        }
        return out
    }
}

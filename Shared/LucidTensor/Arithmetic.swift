/// Elementwise arithmetic: tensor ⊕ tensor with broadcasting, tensor ⊕ scalar, and their gradients.

/// A binary elementwise operation.
enum BinaryOp {
    case add, sub, mul, div

    var name: String {
        switch self {
        case .add: return "add"
        case .sub: return "sub"
        case .mul: return "mul"
        case .div: return "div"
        }
    }
}

@inline(__always)
private func binaryLoop(
    _ plan: BroadcastPlan, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
    _ out: UnsafeMutablePointer<Float>, _ f: (Float, Float) -> Float
) {
    let inner = plan.inner
    let sa = plan.aStrides.last!, sb = plan.bStrides.last!
    // Rows in pieces, so that one long row (two tensors of the same shape) is split too.
    let piece = 8192, pieces = Swift.max(1, (inner + piece - 1) / piece)
    parallelRanges(plan.rows * pieces, costPerItem: Swift.min(inner, piece)) { units in
        for unit in units {
            let row = unit / pieces, lo = unit % pieces * piece, hi = Swift.min(inner, lo + piece)
            let (oa, ob) = plan.offsets(ofRow: row)
            let pa = a + oa, pb = b + ob, po = out + row * inner
            switch (sa, sb) {
            case (1, 1): for i in lo..<hi { po[i] = f(pa[i], pb[i]) }
            case (1, 0): let y = pb[0]; for i in lo..<hi { po[i] = f(pa[i], y) }
            case (0, 1): let x = pa[0]; for i in lo..<hi { po[i] = f(x, pb[i]) }
            default: let v = f(pa[0], pb[0]); for i in lo..<hi { po[i] = v }
            }
        }
    }
}

/// `a op b` without recording; writes into `out` when given (it must have the broadcast shape).
func binaryUntracked(_ a: Tensor, _ b: Tensor, _ op: BinaryOp) throws -> Tensor {
    let plan = try BroadcastPlan(a.shape, b.shape, op: op.name)
    var out = Tensor(uninitializedShape: plan.shape)
    let pa = UnsafePointer(a.pointer), pb = UnsafePointer(b.pointer), po = out.mutablePointer
    switch op {
    case .add: binaryLoop(plan, pa, pb, po, +)
    case .sub: binaryLoop(plan, pa, pb, po, -)
    case .mul: binaryLoop(plan, pa, pb, po, *)
    case .div: binaryLoop(plan, pa, pb, po, /)
    }
    return out
}

func binary(_ a: Tensor, _ b: Tensor, _ op: BinaryOp) throws -> Tensor {
    let out = try binaryUntracked(a, b, op)
    guard let tape = activeTape(a, b) else { return out }
    let sa = a.shape, sb = b.shape
    let ta = a.tracker?.tape === tape, tb = b.tracker?.tape === tape
    switch op {
    case .add:
        return tape.record(out, inputs: [a, b]) { g in
            [ta ? g.summed(toShape: sa) : nil, tb ? g.summed(toShape: sb) : nil]
        }
    case .sub:
        return tape.record(out, inputs: [a, b]) { g in
            [ta ? g.summed(toShape: sa) : nil, tb ? (-g).summed(toShape: sb) : nil]
        }
    case .mul:
        let ca = a.detached(), cb = b.detached()
        return tape.record(out, inputs: [a, b]) { g in
            [ta ? try binaryUntracked(g, cb, .mul).summed(toShape: sa) : nil,
             tb ? try binaryUntracked(g, ca, .mul).summed(toShape: sb) : nil]
        }
    case .div:
        let ca = a.detached(), cb = b.detached()
        return tape.record(out, inputs: [a, b]) { g in
            let ga = try binaryUntracked(g, cb, .div)
            var gb: Tensor? = nil
            if tb {
                // d(a/b)/db = -a/b² = -(g/b)·(a/b)
                gb = try (-binaryUntracked(ga, binaryUntracked(ca, cb, .div), .mul)).summed(toShape: sb)
            }
            return [ta ? ga.summed(toShape: sa) : nil, gb]
        }
    }
}

extension Tensor {
    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, .add) }
    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, .sub) }
    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, .mul) }
    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, .div) }

    /// Adds `b` (broadcast to `a`'s shape) in place when `a` owns its storage and nothing is being
    /// recorded; otherwise the same as `a = a + b`.
    public static func += (a: inout Tensor, b: Tensor) throws {
        try a.updateInPlace(b, .add)
    }

    /// Subtracts `b` in place (see `+=`).
    public static func -= (a: inout Tensor, b: Tensor) throws {
        try a.updateInPlace(b, .sub)
    }

    /// Multiplies by `b` in place (see `+=`).
    public static func *= (a: inout Tensor, b: Tensor) throws {
        try a.updateInPlace(b, .mul)
    }

    private mutating func updateInPlace(_ b: Tensor, _ op: BinaryOp) throws {
        let plan = try BroadcastPlan(shape, b.shape, op: op.name)
        if plan.shape == shape, tracker == nil, b.tracker == nil, isUniquelyOwned() {
            let p = mutablePointer
            let pb = UnsafePointer(b.pointer)
            switch op {
            case .add: binaryLoop(plan, p, pb, p, +)
            case .sub: binaryLoop(plan, p, pb, p, -)
            case .mul: binaryLoop(plan, p, pb, p, *)
            case .div: binaryLoop(plan, p, pb, p, /)
            }
        } else {
            self = try binary(self, b, op)
        }
    }

    /// Negation.
    public static prefix func - (x: Tensor) -> Tensor { x.affine(scale: -1, shift: 0) }

    /// Adds a scalar to every element.
    public static func + (x: Tensor, s: Float) -> Tensor { x.affine(scale: 1, shift: s) }
    /// Adds a scalar to every element.
    public static func + (s: Float, x: Tensor) -> Tensor { x.affine(scale: 1, shift: s) }
    /// Subtracts a scalar from every element.
    public static func - (x: Tensor, s: Float) -> Tensor { x.affine(scale: 1, shift: -s) }
    /// `s - x` elementwise.
    public static func - (s: Float, x: Tensor) -> Tensor { x.affine(scale: -1, shift: s) }
    /// Multiplies every element by a scalar.
    public static func * (x: Tensor, s: Float) -> Tensor { x.affine(scale: s, shift: 0) }
    /// Multiplies every element by a scalar.
    public static func * (s: Float, x: Tensor) -> Tensor { x.affine(scale: s, shift: 0) }
    /// Divides every element by a scalar.
    public static func / (x: Tensor, s: Float) -> Tensor { x.affine(scale: 1 / s, shift: 0) }

    /// `scale · x + shift`, elementwise.
    public func affine(scale: Float, shift: Float) -> Tensor {
        var out = Tensor(uninitializedShape: shape)
        let src = pointer, dst = out.mutablePointer
        parallelRanges(count) { r in
            for i in r { dst[i] = scale * src[i] + shift }
        }
        guard let tape = activeTape(self) else { return out }
        return tape.record(out, inputs: [self]) { g in [g.affine(scale: scale, shift: 0)] }
    }

    /// Adds `other` in place, recording nothing (gradient accumulation).
    mutating func accumulate(_ other: Tensor) throws {
        tracker = nil
        try updateInPlace(other.detached(), .add)
    }
}

/// Reductions: sum and mean over all elements or over chosen axes, with their gradients.

extension Tensor {
    /// Sum of all elements (a rank-0 tensor).
    public func sum() -> Tensor {
        let n = count, p = pointer
        var total: Double = 0
        var i = 0
        while i < n {
            let end = Swift.min(i + 4096, n)
            var acc: Float = 0
            for j in i..<end { acc += p[j] }
            total += Double(acc)
            i = end
        }
        let out = Tensor(scalar: Float(total))
        guard let tape = activeTape(self) else { return out }
        let inputShape = shape
        return tape.record(out, inputs: [self]) { g in
            [Tensor(repeating: g.pointer[0], shape: inputShape)]
        }
    }

    /// Mean of all elements (a rank-0 tensor).
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Sum over `axes` (negative counts from the end); the axes are kept with size 1 when
    /// `keepingDimensions`.
    public func sum(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let normalized = Set(try axes.map { try Tensor.axis($0, rank: rank, op: "sum") })
        var kept = shape
        for a in normalized { kept[a] = 1 }
        let reduced = summed(toShape: kept)
        var out = reduced
        if !keepingDimensions {
            out = Tensor(shape: shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element),
                         storage: reduced.storage, offset: reduced.offset)
        }
        guard let tape = activeTape(self) else { return out }
        let inputShape = shape
        return tape.record(out, inputs: [self]) { g in
            [try Tensor(shape: kept, storage: g.storage, offset: g.offset).broadcastUntracked(to: inputShape)]
        }
    }

    /// Mean over `axes` (see `sum(axes:keepingDimensions:)`).
    public func mean(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let normalized = Set(try axes.map { try Tensor.axis($0, rank: rank, op: "mean") })
        let n = normalized.reduce(1) { $0 * shape[$1] }
        return try sum(axes: axes, keepingDimensions: keepingDimensions) * (1 / Float(Swift.max(n, 1)))
    }

    func broadcastUntracked(to target: [Int]) throws -> Tensor {
        try detached().broadcast(to: target)
    }
}

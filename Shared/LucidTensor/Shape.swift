/// Shape operations: reshape, squeeze/unsqueeze, permute/transpose, narrow (slice), chunk and
/// concat, with their gradients. Reshapes and leading-axis slices are views; the rest copy.

extension Tensor {
    /// Normalises a possibly negative axis (−1 is the last) for a tensor of rank `rank`.
    static func axis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else {
            throw TensorError.invalidArgument("\(op): axis \(axis) out of range for rank \(rank)")
        }
        return a
    }

    /// The same elements with a new shape (one dimension may be −1: inferred). A view, no copy.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        let inferred = newShape.filter { $0 == -1 }.count
        guard inferred <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidArgument("reshape: bad target shape \(newShape)")
        }
        if inferred == 1 {
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch("reshape: \(shape) cannot become \(newShape)")
            }
            resolved[newShape.firstIndex(of: -1)!] = count / known
        }
        guard Tensor.elementCount(resolved) == count else {
            throw TensorError.shapeMismatch("reshape: \(shape) (\(count) elements) cannot become \(newShape)")
        }
        var out = Tensor(shape: resolved, storage: storage, offset: offset)
        guard let tape = activeTape(self) else { return out }
        let inputShape = shape
        out = tape.record(out, inputs: [self]) { g in [try g.detached().reshaped(inputShape)] }
        return out
    }

    /// A size-1 axis inserted at `axis`.
    public func unsqueezed(axis: Int) throws -> Tensor {
        let a = try Tensor.axis(axis, rank: rank + 1, op: "unsqueeze")
        var s = shape
        s.insert(1, at: a)
        return try reshaped(s)
    }

    /// The size-1 axis `axis` removed.
    public func squeezed(axis: Int) throws -> Tensor {
        let a = try Tensor.axis(axis, rank: rank, op: "squeeze")
        guard shape[a] == 1 else {
            throw TensorError.invalidArgument("squeeze: axis \(axis) of \(shape) is not 1")
        }
        var s = shape
        s.remove(at: a)
        return try reshaped(s)
    }

    /// The axes reordered: output axis i is input axis `axes[i]` (like `torch.permute`).
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw TensorError.invalidArgument("permute: \(axes) is not a permutation of rank \(rank)")
        }
        let out = permutedUntracked(axes)
        guard let tape = activeTape(self) else { return out }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return tape.record(out, inputs: [self]) { g in [g.permutedUntracked(inverse)] }
    }

    /// Axes `a` and `b` swapped.
    public func transposed(_ a: Int, _ b: Int) throws -> Tensor {
        let a = try Tensor.axis(a, rank: rank, op: "transpose")
        let b = try Tensor.axis(b, rank: rank, op: "transpose")
        var axes = Array(0..<rank)
        axes.swapAt(a, b)
        return try permuted(axes)
    }

    func permutedUntracked(_ axes: [Int]) -> Tensor {
        let outShape = axes.map { shape[$0] }
        if axes == Array(0..<rank) { return detached() }
        var out = Tensor(uninitializedShape: outShape)
        // Merge runs of axes that stay adjacent and in order.
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        var dims: [Int] = [], strides: [Int] = []
        for a in axes where shape[a] != 1 {
            if let last = strides.last, last == inStrides[a] * shape[a] {
                dims[dims.count - 1] *= shape[a]
                strides[strides.count - 1] = inStrides[a]
            } else {
                dims.append(shape[a]); strides.append(inStrides[a])
            }
        }
        let src = pointer, dst = out.mutablePointer
        if dims.isEmpty { dst[0] = src[0]; return out }
        if dims.count >= 2, strides[dims.count - 2] == 1 {
            // A batch of 2-D transposes: out[..., i, j] = in[..., j, i]; tiled for the cache.
            let n = dims.count
            let rows = dims[n - 2], cols = dims[n - 1]
            let colStride = strides[n - 1]
            let batchDims = Array(dims[0..<(n - 2)]), batchStrides = Array(strides[0..<(n - 2)])
            let batches = batchDims.reduce(1, *)
            for batch in 0..<batches {
                var r = batch, base = 0
                for d in stride(from: batchDims.count - 1, through: 0, by: -1) {
                    base += (r % batchDims[d]) * batchStrides[d]
                    r /= batchDims[d]
                }
                let s = src + base, o = dst + batch * rows * cols
                let tile = 32
                parallelRanges((rows + tile - 1) / tile, costPerItem: tile * cols) { tr in
                    for ti in tr {
                        let i0 = ti * tile, i1 = Swift.min(i0 + tile, rows)
                        var j0 = 0
                        while j0 < cols {
                            let j1 = Swift.min(j0 + tile, cols)
                            for i in i0..<i1 {
                                let orow = o + i * cols
                                for j in j0..<j1 { orow[j] = s[i + j * colStride] }
                            }
                            j0 = j1
                        }
                    }
                }
            }
            return out
        }
        // General case: walk the output in order with an index counter.
        let n = dims.count
        let inner = dims[n - 1], innerStride = strides[n - 1]
        let outer = count / inner
        var index = [Int](repeating: 0, count: n)
        var base = 0
        for row in 0..<outer {
            let s = src + base, o = dst + row * inner
            if innerStride == 1 { o.update(from: s, count: inner) } else {
                for j in 0..<inner { o[j] = s[j * innerStride] }
            }
            var d = n - 2
            while d >= 0 {
                index[d] += 1
                base += strides[d]
                if index[d] < dims[d] { break }
                base -= strides[d] * dims[d]
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// `length` entries of `axis` starting at `start` (like `torch.narrow`). A view when every
    /// axis before `axis` has size 1; otherwise a copy.
    public func narrowed(axis: Int, start: Int, length: Int) throws -> Tensor {
        let a = try Tensor.axis(axis, rank: rank, op: "narrow")
        guard start >= 0, length >= 0, start + length <= shape[a] else {
            throw TensorError.invalidArgument("narrow: [\(start), \(start + length)) outside axis \(axis) of \(shape)")
        }
        let out = narrowedUntracked(axis: a, start: start, length: length)
        guard let tape = activeTape(self) else { return out }
        let inputShape = shape
        return tape.record(out, inputs: [self]) { g in
            [g.paddedUntracked(axis: a, before: start, total: inputShape[a])]
        }
    }

    func narrowedUntracked(axis a: Int, start: Int, length: Int) -> Tensor {
        var newShape = shape
        newShape[a] = length
        let inner = shape[(a + 1)...].reduce(1, *)
        let outer = shape[..<a].reduce(1, *)
        if outer == 1 {
            return Tensor(shape: newShape, storage: storage, offset: offset + start * inner)
        }
        var out = Tensor(uninitializedShape: newShape)
        let src = pointer, dst = out.mutablePointer
        let block = length * inner, srcBlock = shape[a] * inner
        parallelCopy((0..<outer).map { o in
            CopyJob(source: src + o * srcBlock + start * inner, destination: dst + o * block, count: block)
        })
        return out
    }

    /// This tensor placed at `before` inside zeros of size `total` along `axis` (adjoint of narrow).
    func paddedUntracked(axis a: Int, before: Int, total: Int) -> Tensor {
        var newShape = shape
        newShape[a] = total
        var out = Tensor(zeros: newShape)
        let inner = shape[(a + 1)...].reduce(1, *)
        let outer = shape[..<a].reduce(1, *)
        let block = shape[a] * inner, dstBlock = total * inner
        let src = pointer, dst = out.mutablePointer
        parallelCopy((0..<outer).map { o in
            CopyJob(source: src + o * block, destination: dst + o * dstBlock + before * inner, count: block)
        })
        return out
    }

    /// `parts` equal pieces along `axis` (like `torch.chunk` when the size divides evenly).
    public func chunked(_ parts: Int, axis: Int) throws -> [Tensor] {
        let a = try Tensor.axis(axis, rank: rank, op: "chunk")
        guard parts > 0, shape[a] % parts == 0 else {
            throw TensorError.invalidArgument("chunk: axis \(axis) of \(shape) does not split into \(parts)")
        }
        let size = shape[a] / parts
        return try (0..<parts).map { try narrowed(axis: a, start: $0 * size, length: size) }
    }
}

/// The tensors joined along `axis`; every other dimension must agree.
public func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    guard let first = tensors.first else { throw TensorError.invalidArgument("concat: no tensors") }
    let a = try Tensor.axis(axis, rank: first.rank, op: "concat")
    var total = 0
    for t in tensors {
        guard t.rank == first.rank,
              zip(t.shape, first.shape).enumerated().allSatisfy({ $0.offset == a || $0.element.0 == $0.element.1 })
        else {
            throw TensorError.shapeMismatch("concat on axis \(axis): \(tensors.map(\.shape))")
        }
        total += t.shape[a]
    }
    var outShape = first.shape
    outShape[a] = total
    var out = Tensor(uninitializedShape: outShape)
    let inner = first.shape[(a + 1)...].reduce(1, *)
    let outer = first.shape[..<a].reduce(1, *)
    let dst = out.mutablePointer
    let dstBlock = total * inner
    var position = 0, jobs: [CopyJob] = []
    for t in tensors {
        let block = t.shape[a] * inner
        let src = t.pointer
        for o in 0..<outer {
            jobs.append(CopyJob(source: src + o * block, destination: dst + o * dstBlock + position * inner, count: block))
        }
        position += t.shape[a]
    }
    withExtendedLifetime(tensors) { parallelCopy(jobs) }
    guard let tape = activeTape(of: tensors) else { return out }
    let sizes = tensors.map { $0.shape[a] }
    let tracked = tensors.map { $0.tracker?.tape === tape }
    return tape.record(out, inputs: tensors) { g in
        var start = 0
        return zip(sizes, tracked).map { size, isTracked in
            defer { start += size }
            return isTracked ? g.narrowedUntracked(axis: a, start: start, length: size).copy() : nil
        }
    }
}

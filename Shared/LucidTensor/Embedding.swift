/// Row lookup in an embedding table (token and position embeddings).

/// The rows `indices` of `table` (`[V, D]`), as `[indices.count, D]`. Throws for an index outside
/// the table. The table is a constant (no gradient).
public func embedding(_ table: Tensor, indices: [Int]) throws -> Tensor {
    guard table.rank == 2 else { throw TensorError.shapeMismatch("embedding: table \(table.shape)") }
    let rows = table.shape[0], d = table.shape[1]
    var out = Tensor(uninitializedShape: [indices.count, d])
    let src = table.pointer, dst = out.mutablePointer
    for (i, index) in indices.enumerated() {
        guard index >= 0, index < rows else {
            throw TensorError.invalidArgument("embedding: index \(index) outside table of \(rows) rows")
        }
        (dst + i * d).update(from: src + index * d, count: d)
    }
    return out
}

/// Cosine similarity along an axis (the feature-matching measure of the editing energy).

/// `Σ (a/max(‖a‖, eps))·(b/max(‖b‖, eps))` along `axis`, which is removed — PyTorch
/// `F.cosine_similarity`. `a` and `b` broadcast against each other. Differentiable in both.
public func cosineSimilarity(_ a: Tensor, _ b: Tensor, axis: Int, eps: Float = 1e-8) throws -> Tensor {
    let ax = try Tensor.axis(axis, rank: Swift.max(a.rank, b.rank), op: "cosineSimilarity")
    let axA = ax - (Swift.max(a.rank, b.rank) - a.rank), axB = ax - (Swift.max(a.rank, b.rank) - b.rank)
    guard axA >= 0, axB >= 0 else {
        throw TensorError.invalidArgument("cosineSimilarity: axis \(axis) for shapes \(a.shape), \(b.shape)")
    }
    let na = try a.squared().sum(axes: [axA], keepingDimensions: true).sqrt().clamped(min: eps)
    let nb = try b.squared().sum(axes: [axB], keepingDimensions: true).sqrt().clamped(min: eps)
    return try ((a / na) * (b / nb)).sum(axes: [ax])
}

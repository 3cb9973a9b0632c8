/// `Embedding`: a lookup table of learned vectors indexed by token or position (PyTorch `nn.Embedding`).
import LucidTensor

/// Rows of `weight` [count, width] selected by index.
public final class Embedding: Module {
    @Parameter public var weight: Tensor

    /// A table of `count` vectors of `width` features (zero-initialised).
    public init(_ count: Int, _ width: Int) {
        super.init()
        weight = Tensor(zeros: [count, width])
    }

    /// The rows for `indices`, shape [indices.count, width]; an index outside the table is a typed error.
    public func callAsFunction(_ indices: [Int]) throws -> Tensor {
        try embedding(weight, indices: indices)
    }
}

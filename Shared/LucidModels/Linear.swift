/// `Linear`: a fully connected layer (PyTorch `nn.Linear`, weight `[out, in]`, optional bias).
import LucidTensor

/// y = x·Wᵀ + b over the last axis of x.
public final class Linear: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?

    /// A layer mapping `inputs` features to `outputs`, with or without a bias (zero-initialised).
    public init(_ inputs: Int, _ outputs: Int, bias: Bool = true) {
        super.init()
        self.weight = Tensor(zeros: [outputs, inputs])
        self.bias = bias ? Tensor(zeros: [outputs]) : nil
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try linear(x, weight: weight, bias: bias)
    }
}

/// `LayerNorm`: layer normalisation over the last axis with a learned scale and shift (PyTorch
/// `nn.LayerNorm`; Ba et al., "Layer Normalization", 2016).
import LucidTensor

/// (x − mean) / √(var + eps) · weight + bias over the last axis.
public final class LayerNorm: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor
    public let eps: Float

    /// A norm over `width` features (scale 1, shift 0).
    public init(_ width: Int, eps: Float = 1e-5) {
        self.eps = eps
        super.init()
        weight = Tensor(ones: [width])
        bias = Tensor(zeros: [width])
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try layerNorm(x, weight: weight, bias: bias, eps: eps)
    }
}

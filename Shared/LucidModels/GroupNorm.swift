/// `GroupNorm`: group normalisation with a per-channel affine (PyTorch `nn.GroupNorm`), optionally
/// fused with the SiLU that follows it in every ResNet block.
import LucidTensor

/// Normalises `[N, C, ...]` over `groups` channel groups, then scales and shifts each channel.
public final class GroupNorm: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor
    /// Number of channel groups.
    public let groups: Int
    /// Added to the variance (1e-5 in the UNet, 1e-6 in the VAE and the transformers' input norm).
    public let eps: Float

    public init(groups: Int, channels: Int, eps: Float) {
        self.groups = groups
        self.eps = eps
        super.init()
        self.weight = Tensor(ones: [channels])
        self.bias = Tensor(zeros: [channels])
    }

    /// The normalised input, followed by `activation` (`.silu` fuses norm → SiLU in one pass).
    public func callAsFunction(_ x: Tensor, activation: NormActivation = .identity) throws -> Tensor {
        try groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps, activation: activation)
    }
}

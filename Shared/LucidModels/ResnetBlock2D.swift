/// `ResnetBlock2D`: the residual convolution block of the UNet and the VAE (diffusers
/// `ResnetBlock2D`, "default" time-embedding mode; He et al. 2016 as used by Ho et al. 2020).
import LucidTensor

/// `norm1 → SiLU → conv1 (+ time embedding) → norm2 → SiLU → conv2`, added to the (projected) input.
public final class ResnetBlock2D: Module {
    @Child public var norm1: GroupNorm
    @Child public var conv1: Conv2d
    /// Projects the SiLU-activated time embedding to a per-channel shift (absent in the VAE).
    @Child(key: "time_emb_proj") public var timeEmbeddingProjection: Linear?
    @Child public var norm2: GroupNorm
    @Child public var conv2: Conv2d
    /// A 1×1 convolution matching the input's channels to the output's (absent when they are equal).
    @Child(key: "conv_shortcut") public var convShortcut: Conv2d?
    /// The sum is divided by this (diffusers' `output_scale_factor`, 1 in SD-1.x).
    public let outputScaleFactor: Float

    /// A block from `inputs` to `outputs` channels; `timeEmbeddingChannels` nil = no time input.
    public init(inputs: Int, outputs: Int, timeEmbeddingChannels: Int?, groups: Int, eps: Float,
                outputScaleFactor: Float = 1) {
        self.outputScaleFactor = outputScaleFactor
        super.init()
        norm1 = GroupNorm(groups: groups, channels: inputs, eps: eps)
        conv1 = Conv2d(inputs, outputs, kernel: 3, padding: 1)
        timeEmbeddingProjection = timeEmbeddingChannels.map { Linear($0, outputs) }
        norm2 = GroupNorm(groups: groups, channels: outputs, eps: eps)
        conv2 = Conv2d(outputs, outputs, kernel: 3, padding: 1)
        convShortcut = inputs == outputs ? nil : Conv2d(inputs, outputs, kernel: 1)
    }

    /// The block applied to `x` (`[N, C, H, W]`); `activatedTimeEmbedding` is SiLU(temb) `[N, T]`
    /// (activated once by the caller for all blocks), required when the block has a time projection.
    public func callAsFunction(_ x: Tensor, activatedTimeEmbedding: Tensor? = nil) throws -> Tensor {
        var h = try conv1(norm1(x, activation: .silu))
        if let projection = timeEmbeddingProjection {
            guard let temb = activatedTimeEmbedding else {
                throw TensorError.invalidArgument("ResnetBlock2D: a time embedding is required")
            }
            let shift = try projection(temb)
            try h += shift.reshaped([shift.shape[0], shift.shape[1], 1, 1])
        }
        h = try conv2(norm2(h, activation: .silu))
        try h += convShortcut.map { try $0(x) } ?? x
        return outputScaleFactor == 1 ? h : h / outputScaleFactor
    }
}

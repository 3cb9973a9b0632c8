/// The blocks of the VAE's encoder and decoder (diffusers `DownEncoderBlock2D`, `UpDecoderBlock2D`,
/// `UNetMidBlock2D`): ResNets without time input, GroupNorm epsilon 1e-6.
import LucidTensor

/// GroupNorm epsilon of every VAE layer (fixed in diffusers, not in the config).
let vaeNormEps: Float = 1e-6

/// `DownEncoderBlock2D`: ResNets, then an optional stride-2 downsampler padded right and bottom.
public final class VAEDownBlock: Module {
    @Child public var resnets: [ResnetBlock2D]
    @Child public var downsamplers: [Downsample2D]

    init(inputs: Int, outputs: Int, layers: Int, groups: Int, addDownsample: Bool) {
        super.init()
        resnets = (0..<layers).map { i in
            ResnetBlock2D(inputs: i == 0 ? inputs : outputs, outputs: outputs, timeEmbeddingChannels: nil,
                          groups: groups, eps: vaeNormEps)
        }
        downsamplers = addDownsample ? [Downsample2D(channels: outputs, padding: 0)] : []
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = x
        for resnet in resnets { h = try resnet(h) }
        for downsampler in downsamplers { h = try downsampler(h) }
        return h
    }
}

/// `UpDecoderBlock2D`: ResNets, then an optional nearest-2× upsampler.
public final class VAEUpBlock: Module {
    @Child public var resnets: [ResnetBlock2D]
    @Child public var upsamplers: [Upsample2D]

    init(inputs: Int, outputs: Int, layers: Int, groups: Int, addUpsample: Bool) {
        super.init()
        resnets = (0..<layers).map { i in
            ResnetBlock2D(inputs: i == 0 ? inputs : outputs, outputs: outputs, timeEmbeddingChannels: nil,
                          groups: groups, eps: vaeNormEps)
        }
        upsamplers = addUpsample ? [Upsample2D(channels: outputs)] : []
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = x
        for resnet in resnets { h = try resnet(h) }
        for upsampler in upsamplers { h = try upsampler(h) }
        return h
    }
}

/// `UNetMidBlock2D`: `resnets.0`, then the single-head spatial attention (with biases, over
/// group-normed pixels, residual) and `resnets.1`.
public final class VAEMidBlock: Module {
    /// The spatial attention, or none when the config sets `mid_block_add_attention` false.
    @Child public var attentions: [Attention]
    @Child public var resnets: [ResnetBlock2D]

    init(channels: Int, groups: Int, addAttention: Bool) {
        super.init()
        attentions = addAttention ? [Attention(queryDim: channels, heads: 1, headWidth: channels, bias: true,
                                               groupNormGroups: groups, groupNormEps: vaeNormEps)] : []
        resnets = (0..<2).map { _ in
            ResnetBlock2D(inputs: channels, outputs: channels, timeEmbeddingChannels: nil, groups: groups, eps: vaeNormEps)
        }
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var h = try resnets[0](x)
        for attention in attentions { h = try attention.spatial(h) }
        return try resnets[1](h)
    }
}

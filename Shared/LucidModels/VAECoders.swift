/// The VAE's encoder (image → latent moments) and decoder (latent → image), diffusers `Encoder`
/// and `Decoder` of `AutoencoderKL` (Kingma & Welling 2014; Rombach et al. 2022).
import LucidTensor

/// `conv_in → down blocks → mid block → norm → SiLU → conv_out` to 2·latent channels (mean, log-variance).
public final class VAEEncoder: Module {
    @Child(key: "conv_in") public var convIn: Conv2d
    @Child(key: "down_blocks") public var downBlocks: [VAEDownBlock]
    @Child(key: "mid_block") public var midBlock: VAEMidBlock
    @Child(key: "conv_norm_out") public var convNormOut: GroupNorm
    @Child(key: "conv_out") public var convOut: Conv2d

    init(configuration c: AutoencoderKLConfiguration) {
        super.init()
        let channels = c.blockOutChannels
        let last = channels.count - 1
        convIn = Conv2d(c.inChannels, channels[0], kernel: 3, padding: 1)
        downBlocks = channels.indices.map { i in
            VAEDownBlock(inputs: i == 0 ? channels[0] : channels[i - 1], outputs: channels[i], layers: c.layersPerBlock,
                         groups: c.normNumGroups, addDownsample: i < last)
        }
        midBlock = VAEMidBlock(channels: channels[last], groups: c.normNumGroups, addAttention: c.midBlockAddAttention)
        convNormOut = GroupNorm(groups: c.normNumGroups, channels: channels[last], eps: vaeNormEps)
        convOut = Conv2d(channels[last], 2 * c.latentChannels, kernel: 3, padding: 1)
    }

    public func callAsFunction(_ image: Tensor) throws -> Tensor {
        try convOut(convNormOut(trunk(image) { _ in }, activation: .silu))
    }

    /// The output of every down block, then of the mid block: the encoder's feature pyramid (for
    /// perceptual distances).
    public func blockFeatures(_ image: Tensor) throws -> [Tensor] {
        var features: [Tensor] = []
        let mid = try trunk(image) { features.append($0) }
        return features + [mid]
    }

    /// `conv_in`, the down blocks (each output handed to `blockOutput`) and the mid block.
    private func trunk(_ image: Tensor, blockOutput: (Tensor) -> Void) throws -> Tensor {
        var h = try convIn(image)
        for block in downBlocks {
            h = try block(h)
            blockOutput(h)
        }
        return try midBlock(h)
    }
}

/// `conv_in → mid block → up blocks → norm → SiLU → conv_out` to image channels.
public final class VAEDecoder: Module {
    @Child(key: "conv_in") public var convIn: Conv2d
    @Child(key: "mid_block") public var midBlock: VAEMidBlock
    @Child(key: "up_blocks") public var upBlocks: [VAEUpBlock]
    @Child(key: "conv_norm_out") public var convNormOut: GroupNorm
    @Child(key: "conv_out") public var convOut: Conv2d

    init(configuration c: AutoencoderKLConfiguration) {
        super.init()
        let reversed = Array(c.blockOutChannels.reversed())
        convIn = Conv2d(c.latentChannels, reversed[0], kernel: 3, padding: 1)
        midBlock = VAEMidBlock(channels: reversed[0], groups: c.normNumGroups, addAttention: c.midBlockAddAttention)
        upBlocks = reversed.indices.map { i in
            VAEUpBlock(inputs: i == 0 ? reversed[0] : reversed[i - 1], outputs: reversed[i], layers: c.layersPerBlock + 1,
                       groups: c.normNumGroups, addUpsample: i < reversed.count - 1)
        }
        convNormOut = GroupNorm(groups: c.normNumGroups, channels: reversed[reversed.count - 1], eps: vaeNormEps)
        convOut = Conv2d(reversed[reversed.count - 1], c.outChannels, kernel: 3, padding: 1)
    }

    public func callAsFunction(_ latent: Tensor) throws -> Tensor {
        var h = try midBlock(convIn(latent))
        for block in upBlocks { h = try block(h) }
        return try convOut(convNormOut(h, activation: .silu))
    }
}

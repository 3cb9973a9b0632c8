/// `AutoencoderKLConfiguration`: the `vae/config.json` of a diffusers Stable Diffusion checkpoint,
/// with Stable Diffusion 1.5's values as defaults.

/// The fields of diffusers' `AutoencoderKL` config.
public struct AutoencoderKLConfiguration: Codable, Equatable, Sendable {
    /// Image channels in and out.
    public var inChannels: Int = 3
    public var outChannels: Int = 3
    /// Encoder blocks (`DownEncoderBlock2D`), highest resolution first.
    public var downBlockTypes: [String] = Array(repeating: "DownEncoderBlock2D", count: 4)
    /// Decoder blocks (`UpDecoderBlock2D`), lowest resolution first.
    public var upBlockTypes: [String] = Array(repeating: "UpDecoderBlock2D", count: 4)
    /// Channels of each encoder block (reversed in the decoder).
    public var blockOutChannels: [Int] = [128, 256, 512, 512]
    /// ResNet layers per encoder block (decoder blocks have one more).
    public var layersPerBlock: Int = 2
    /// Activation ("silu").
    public var actFn: String = "silu"
    /// Channels of the latent.
    public var latentChannels: Int = 4
    /// GroupNorm groups (the VAE's epsilon is fixed at 1e-6 in diffusers).
    public var normNumGroups: Int = 32
    /// Image size the model was trained at.
    public var sampleSize: Int = 512
    /// Latents are multiplied by this after encoding and divided by it before decoding.
    public var scalingFactor: Float = 0.18215
    /// Whether the 1×1 `quant_conv` / `post_quant_conv` exist.
    public var useQuantConv: Bool = true
    public var usePostQuantConv: Bool = true
    /// Whether the mid blocks have their attention layer.
    public var midBlockAddAttention: Bool = true

    /// Stable Diffusion 1.5's configuration.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels"
        case downBlockTypes = "down_block_types", upBlockTypes = "up_block_types"
        case blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block", actFn = "act_fn"
        case latentChannels = "latent_channels", normNumGroups = "norm_num_groups", sampleSize = "sample_size"
        case scalingFactor = "scaling_factor", useQuantConv = "use_quant_conv", usePostQuantConv = "use_post_quant_conv"
        case midBlockAddAttention = "mid_block_add_attention"
    }

    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.update(&inChannels, .inChannels)
        try c.update(&outChannels, .outChannels)
        try c.update(&downBlockTypes, .downBlockTypes)
        try c.update(&upBlockTypes, .upBlockTypes)
        try c.update(&blockOutChannels, .blockOutChannels)
        try c.update(&layersPerBlock, .layersPerBlock)
        try c.update(&actFn, .actFn)
        try c.update(&latentChannels, .latentChannels)
        try c.update(&normNumGroups, .normNumGroups)
        try c.update(&sampleSize, .sampleSize)
        try c.update(&scalingFactor, .scalingFactor)
        try c.update(&useQuantConv, .useQuantConv)
        try c.update(&usePostQuantConv, .usePostQuantConv)
        try c.update(&midBlockAddAttention, .midBlockAddAttention)
    }

    /// Checks that the configuration describes an autoencoder this engine builds.
    public func validate() throws {
        func fail(_ field: String, _ detail: String) -> ConfigurationError {
            .unsupported(component: "vae", field: field, detail: detail)
        }
        let blocks = blockOutChannels.count
        guard blocks > 0, downBlockTypes.count == blocks, upBlockTypes.count == blocks else {
            throw fail("block_out_channels", "\(blocks) channels for \(downBlockTypes.count) down and \(upBlockTypes.count) up blocks")
        }
        for type in downBlockTypes where type != "DownEncoderBlock2D" { throw fail("down_block_types", "unknown block type \(type)") }
        for type in upBlockTypes where type != "UpDecoderBlock2D" { throw fail("up_block_types", "unknown block type \(type)") }
        guard actFn == "silu" else { throw fail("act_fn", "only silu is supported, not \(actFn)") }
        for channels in blockOutChannels where channels <= 0 || normNumGroups <= 0 || channels % normNumGroups != 0 {
            throw fail("norm_num_groups", "\(channels) channels are not divisible into \(normNumGroups) groups")
        }
        guard layersPerBlock > 0, latentChannels > 0 else {
            throw fail("layers_per_block", "layer and latent counts must be positive")
        }
    }
}

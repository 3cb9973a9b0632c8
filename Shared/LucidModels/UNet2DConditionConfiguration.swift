/// `UNet2DConditionConfiguration`: the `unet/config.json` of a diffusers Stable Diffusion 1.x/2.x
/// checkpoint, with Stable Diffusion 1.5's values as defaults.

/// The fields of diffusers' `UNet2DConditionModel` config that the SD-1.x family uses.
public struct UNet2DConditionConfiguration: Codable, Equatable, Sendable {
    /// Latent height/width the model was trained at (64 for 512×512 images).
    public var sampleSize: Int = 64
    /// Latent channels in and out.
    public var inChannels: Int = 4
    public var outChannels: Int = 4
    /// Encoder blocks, highest resolution first: `CrossAttnDownBlock2D` or `DownBlock2D`.
    public var downBlockTypes: [String] = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]
    /// The bottleneck block: `UNetMidBlock2DCrossAttn`.
    public var midBlockType: String = "UNetMidBlock2DCrossAttn"
    /// Decoder blocks, lowest resolution first: `UpBlock2D` or `CrossAttnUpBlock2D`.
    public var upBlockTypes: [String] = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
    /// Output channels of each down block (reversed for the up blocks).
    public var blockOutChannels: [Int] = [320, 640, 1280, 1280]
    /// ResNet layers per down block (up blocks have one more).
    public var layersPerBlock: Int = 2
    /// Padding of the stride-2 downsampling convolutions.
    public var downsamplePadding: Int = 1
    /// Output scale of the mid block's ResNets.
    public var midBlockScaleFactor: Float = 1
    /// Activation of the ResNets and time embedding ("silu").
    public var actFn: String = "silu"
    /// GroupNorm groups and epsilon.
    public var normNumGroups: Int = 32
    public var normEps: Float = 1e-5
    /// Width of the text embeddings the cross-attention attends to (768 for CLIP ViT-L/14).
    public var crossAttentionDim: Int = 768
    /// Transformer blocks per attention layer.
    public var transformerLayersPerBlock: PerBlock<Int> = .all(1)
    /// In SD-1.x/2.x configs this is the number of attention heads (diffusers' naming quirk), not
    /// the head width; `numAttentionHeads` overrides it when present.
    public var attentionHeadDim: PerBlock<Int> = .all(8)
    public var numAttentionHeads: PerBlock<Int>? = nil
    /// Transformer in/out projections are `Linear` (SD-2) instead of 1×1 convolutions (SD-1).
    public var useLinearProjection: Bool = false
    /// Sinusoidal timestep embedding layout: cos first, and the frequency shift.
    public var flipSinToCos: Bool = true
    public var freqShift: Int = 0
    /// Kernel sizes of `conv_in` and `conv_out`.
    public var convInKernel: Int = 3
    public var convOutKernel: Int = 3
    /// Only cross-attention in the transformer blocks (no self-attention).
    public var onlyCrossAttention: Bool = false
    /// Run attention in float32 even for half models (no effect on a float32 engine).
    public var upcastAttention: Bool = false

    /// Stable Diffusion 1.5's configuration.
    public init() {}

    /// The attention head count of block `index` (down-block order).
    public func attentionHeads(forBlock index: Int) -> Int {
        (numAttentionHeads ?? attentionHeadDim).value(forBlock: index) ?? 8
    }

    /// The transformer depth of block `index` (down-block order).
    public func transformerLayers(forBlock index: Int) -> Int {
        transformerLayersPerBlock.value(forBlock: index) ?? 1
    }

    enum CodingKeys: String, CodingKey {
        case sampleSize = "sample_size", inChannels = "in_channels", outChannels = "out_channels"
        case downBlockTypes = "down_block_types", midBlockType = "mid_block_type", upBlockTypes = "up_block_types"
        case blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block"
        case downsamplePadding = "downsample_padding", midBlockScaleFactor = "mid_block_scale_factor"
        case actFn = "act_fn", normNumGroups = "norm_num_groups", normEps = "norm_eps"
        case crossAttentionDim = "cross_attention_dim", transformerLayersPerBlock = "transformer_layers_per_block"
        case attentionHeadDim = "attention_head_dim", numAttentionHeads = "num_attention_heads"
        case useLinearProjection = "use_linear_projection", flipSinToCos = "flip_sin_to_cos", freqShift = "freq_shift"
        case convInKernel = "conv_in_kernel", convOutKernel = "conv_out_kernel"
        case onlyCrossAttention = "only_cross_attention", upcastAttention = "upcast_attention"
    }

    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.update(&sampleSize, .sampleSize)
        try c.update(&inChannels, .inChannels)
        try c.update(&outChannels, .outChannels)
        try c.update(&downBlockTypes, .downBlockTypes)
        try c.update(&midBlockType, .midBlockType)
        try c.update(&upBlockTypes, .upBlockTypes)
        try c.update(&blockOutChannels, .blockOutChannels)
        try c.update(&layersPerBlock, .layersPerBlock)
        try c.update(&downsamplePadding, .downsamplePadding)
        try c.update(&midBlockScaleFactor, .midBlockScaleFactor)
        try c.update(&actFn, .actFn)
        try c.update(&normNumGroups, .normNumGroups)
        try c.update(&normEps, .normEps)
        try c.update(&crossAttentionDim, .crossAttentionDim)
        try c.update(&transformerLayersPerBlock, .transformerLayersPerBlock)
        try c.update(&attentionHeadDim, .attentionHeadDim)
        try c.update(&numAttentionHeads, .numAttentionHeads)
        try c.update(&useLinearProjection, .useLinearProjection)
        try c.update(&flipSinToCos, .flipSinToCos)
        try c.update(&freqShift, .freqShift)
        try c.update(&convInKernel, .convInKernel)
        try c.update(&convOutKernel, .convOutKernel)
        try c.update(&onlyCrossAttention, .onlyCrossAttention)
        try c.update(&upcastAttention, .upcastAttention)
    }

    /// Checks that the configuration describes a model of the SD-1.x family this engine builds.
    public func validate() throws {
        func fail(_ field: String, _ detail: String) -> ConfigurationError {
            .unsupported(component: "unet", field: field, detail: detail)
        }
        let blocks = blockOutChannels.count
        guard blocks > 0, downBlockTypes.count == blocks, upBlockTypes.count == blocks else {
            throw fail("block_out_channels", "\(blocks) channels for \(downBlockTypes.count) down and \(upBlockTypes.count) up blocks")
        }
        for type in downBlockTypes where !["CrossAttnDownBlock2D", "DownBlock2D"].contains(type) {
            throw fail("down_block_types", "unknown block type \(type)")
        }
        for type in upBlockTypes where !["CrossAttnUpBlock2D", "UpBlock2D"].contains(type) {
            throw fail("up_block_types", "unknown block type \(type)")
        }
        if midBlockType != "UNetMidBlock2DCrossAttn" {
            throw fail("mid_block_type", "unknown block type \(midBlockType)")
        }
        guard actFn == "silu" else { throw fail("act_fn", "only silu is supported, not \(actFn)") }
        for (i, channels) in blockOutChannels.enumerated() {
            guard channels > 0, normNumGroups > 0, channels % normNumGroups == 0 else {
                throw fail("norm_num_groups", "\(channels) channels of block \(i) are not divisible into \(normNumGroups) groups")
            }
            let heads = attentionHeads(forBlock: i)
            guard heads > 0, channels % heads == 0 else {
                throw fail("attention_head_dim", "\(channels) channels of block \(i) do not split into \(heads) heads")
            }
        }
        guard layersPerBlock > 0, crossAttentionDim > 0, inChannels > 0, outChannels > 0 else {
            throw fail("layers_per_block", "layer counts and channel widths must be positive")
        }
    }
}

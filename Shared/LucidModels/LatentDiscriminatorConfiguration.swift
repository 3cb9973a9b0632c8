/// `LatentDiscriminatorConfiguration`: the `discriminator/config.json` of a LucidDrag model folder
/// (written by `tools/demoworld/train/discriminator.py`), with that script's values as defaults.

/// The fields of the noise-aware latent discriminator's config.
public struct LatentDiscriminatorConfiguration: Codable, Equatable, Sendable {
    /// Latent channels in.
    public var inChannels: Int = 4
    /// Channels of each residual block; a stride-2 convolution follows every block but the last.
    public var blockOutChannels: [Int] = [64, 128, 128]
    /// Width of the timestep embedding the blocks are conditioned on.
    public var timeEmbedDim: Int = 128
    /// Width of the sinusoidal timestep features (cos half first).
    public var timeFreqDim: Int = 64
    /// GroupNorm groups and epsilon.
    public var normNumGroups: Int = 32
    public var normEps: Float = 1e-6
    /// Length of the noise schedule the timesteps index.
    public var numTrainTimesteps: Int = 1000

    /// The training script's defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", blockOutChannels = "block_out_channels"
        case timeEmbedDim = "time_embed_dim", timeFreqDim = "time_freq_dim"
        case normNumGroups = "norm_num_groups", normEps = "norm_eps", numTrainTimesteps = "num_train_timesteps"
    }

    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.update(&inChannels, .inChannels)
        try c.update(&blockOutChannels, .blockOutChannels)
        try c.update(&timeEmbedDim, .timeEmbedDim)
        try c.update(&timeFreqDim, .timeFreqDim)
        try c.update(&normNumGroups, .normNumGroups)
        try c.update(&normEps, .normEps)
        try c.update(&numTrainTimesteps, .numTrainTimesteps)
    }

    /// Checks that the configuration describes a discriminator this engine builds.
    public func validate() throws {
        func fail(_ field: String, _ detail: String) -> ConfigurationError {
            .unsupported(component: "discriminator", field: field, detail: detail)
        }
        guard inChannels > 0, !blockOutChannels.isEmpty else {
            throw fail("block_out_channels", "needs at least one block and one input channel")
        }
        for channels in blockOutChannels where channels <= 0 || normNumGroups <= 0 || channels % normNumGroups != 0 {
            throw fail("norm_num_groups", "\(channels) channels are not divisible into \(normNumGroups) groups")
        }
        guard timeFreqDim > 1, timeEmbedDim > 0 else {
            throw fail("time_freq_dim", "timestep widths must be positive (features at least 2)")
        }
    }
}

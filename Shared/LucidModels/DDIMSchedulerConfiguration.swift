/// `DDIMSchedulerConfiguration`: the `scheduler/scheduler_config.json` of a diffusers checkpoint,
/// with Stable Diffusion 1.5's values as defaults.

/// How the training noise levels β₁…β_N are laid out.
public enum BetaSchedule: String, Codable, Sendable {
    /// β evenly spaced from `beta_start` to `beta_end`.
    case linear
    /// √β evenly spaced, then squared (Stable Diffusion's schedule).
    case scaledLinear = "scaled_linear"
}

/// What the model predicts.
public enum PredictionType: String, Codable, Sendable {
    /// The added noise ε (SD-1.x, SD-2 base).
    case epsilon
    /// v = √ᾱ·ε − √(1−ᾱ)·x₀ (SD-2 768-v).
    case vPrediction = "v_prediction"
    /// The clean sample x₀.
    case sample
}

/// How the inference timesteps are spread over the training ones (Lin et al. 2023, table 2).
public enum TimestepSpacing: String, Codable, Sendable {
    /// 0, r, 2r, … plus `steps_offset` (SD-1.5: 1, 21, …, 981).
    case leading
    /// N−1, N−1−r, … (ends at the noisiest step).
    case trailing
    /// Rounded `linspace(0, N−1, steps)`.
    case linspace
}

/// The fields of diffusers' `DDIMScheduler` config.
public struct DDIMSchedulerConfiguration: Codable, Equatable, Sendable {
    /// Number of diffusion steps the model was trained with.
    public var numTrainTimesteps: Int = 1000
    /// First and last β of the schedule.
    public var betaStart: Float = 0.00085
    public var betaEnd: Float = 0.012
    public var betaSchedule: BetaSchedule = .scaledLinear
    /// Clamp the predicted x₀ to ±`clipSampleRange` (off for latent diffusion).
    public var clipSample: Bool = false
    public var clipSampleRange: Float = 1
    /// Use ᾱ = 1 after the last step (true) or ᾱ₀ of the schedule (false, SD-1.5).
    public var setAlphaToOne: Bool = false
    /// Added to every leading timestep (SD-1.5: 1).
    public var stepsOffset: Int = 1
    public var predictionType: PredictionType = .epsilon
    public var timestepSpacing: TimestepSpacing = .leading
    /// Dynamic thresholding and zero-terminal-SNR rescaling are not implemented; a config that turns
    /// them on is rejected by `validate()`.
    public var thresholding: Bool = false
    public var rescaleBetasZeroSnr: Bool = false

    /// Stable Diffusion 1.5's scheduler configuration.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case numTrainTimesteps = "num_train_timesteps", betaStart = "beta_start", betaEnd = "beta_end"
        case betaSchedule = "beta_schedule", clipSample = "clip_sample", clipSampleRange = "clip_sample_range"
        case setAlphaToOne = "set_alpha_to_one", stepsOffset = "steps_offset", predictionType = "prediction_type"
        case timestepSpacing = "timestep_spacing", thresholding, rescaleBetasZeroSnr = "rescale_betas_zero_snr"
    }

    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.update(&numTrainTimesteps, .numTrainTimesteps)
        try c.update(&betaStart, .betaStart)
        try c.update(&betaEnd, .betaEnd)
        try c.update(&betaSchedule, .betaSchedule)
        try c.update(&clipSample, .clipSample)
        try c.update(&clipSampleRange, .clipSampleRange)
        try c.update(&setAlphaToOne, .setAlphaToOne)
        try c.update(&stepsOffset, .stepsOffset)
        try c.update(&predictionType, .predictionType)
        try c.update(&timestepSpacing, .timestepSpacing)
        try c.update(&thresholding, .thresholding)
        try c.update(&rescaleBetasZeroSnr, .rescaleBetasZeroSnr)
    }

    /// Rejects options the DDIM scheduler here does not implement.
    public func validate() throws {
        guard numTrainTimesteps > 0 else { throw SchedulerError.unsupported("num_train_timesteps \(numTrainTimesteps)") }
        guard !thresholding else { throw SchedulerError.unsupported("thresholding") }
        guard !rescaleBetasZeroSnr else { throw SchedulerError.unsupported("rescale_betas_zero_snr") }
    }
}

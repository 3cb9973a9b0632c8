/// `DDIMScheduler`: denoising diffusion implicit models (Song et al., "Denoising Diffusion Implicit
/// Models", ICLR 2021), as diffusers' `DDIMScheduler`, plus the deterministic inversion step of
/// diffusers' `DDIMInverseScheduler` that drag-editing methods use to invert a real image.
import Foundation
import LucidTensor

/// The result of one DDIM step.
public struct DDIMStepOutput {
    /// x_{t−Δ}: the sample at the previous timestep.
    public let previousSample: Tensor
    /// x̂₀: the clean sample the model output implies.
    public let predictedOriginalSample: Tensor
}

/// DDIM with a fixed number of inference steps. With ᾱ the cumulative product of 1 − β:
///
///     x̂₀ = (x_t − √(1−ᾱ_t)·ε) / √ᾱ_t
///     σ  = η·√((1−ᾱ_prev)/(1−ᾱ_t) · (1 − ᾱ_t/ᾱ_prev))
///     x_prev = √ᾱ_prev·x̂₀ + √(1−ᾱ_prev−σ²)·ε + σ·z
public struct DDIMScheduler: Scheduler {
    public let configuration: DDIMSchedulerConfiguration
    /// ᾱ_t for t in 0..<num_train_timesteps.
    public let alphasCumprod: [Float]
    /// The inference timesteps, noisiest first (SD-1.5, 50 steps: 981, 961, …, 1).
    public let timesteps: [Int]
    public let initNoiseSigma: Float = 1

    /// The training-step distance between consecutive inference steps.
    public var stepRatio: Int { configuration.numTrainTimesteps / timesteps.count }

    /// ᾱ used after the last step.
    private var finalAlphaCumprod: Float { configuration.setAlphaToOne ? 1 : alphasCumprod[0] }

    /// A scheduler for `steps` inference steps.
    public init(steps: Int, configuration: DDIMSchedulerConfiguration = .init()) throws {
        try configuration.validate()
        let n = configuration.numTrainTimesteps
        guard steps >= 1, steps <= n else { throw SchedulerError.invalidStepCount(steps, trainTimesteps: n) }
        self.configuration = configuration
        self.alphasCumprod = DDIMScheduler.cumulativeAlphas(configuration)
        self.timesteps = DDIMScheduler.spacedTimesteps(steps: steps, configuration: configuration)
    }

    /// ᾱ_t = Π_{s≤t} (1 − β_s), accumulated in double precision.
    static func cumulativeAlphas(_ c: DDIMSchedulerConfiguration) -> [Float] {
        let n = c.numTrainTimesteps
        let start = Double(c.betaStart), end = Double(c.betaEnd)
        var product = 1.0
        return (0..<n).map { i in
            let fraction = n > 1 ? Double(i) / Double(n - 1) : 0
            let beta: Double
            switch c.betaSchedule {
            case .linear: beta = start + (end - start) * fraction
            case .scaledLinear:
                let root = start.squareRoot() + (end.squareRoot() - start.squareRoot()) * fraction
                beta = root * root
            }
            product *= 1 - beta
            return Float(product)
        }
    }

    /// The inference timesteps for `steps` steps under the configured spacing, noisiest first.
    static func spacedTimesteps(steps: Int, configuration c: DDIMSchedulerConfiguration) -> [Int] {
        let n = c.numTrainTimesteps
        switch c.timestepSpacing {
        case .leading:
            let ratio = n / steps
            return (0..<steps).reversed().map { $0 * ratio + c.stepsOffset }
        case .trailing:
            let ratio = Double(n) / Double(steps)
            return (0..<steps).map { Int((Double(n) - Double($0) * ratio).rounded(.toNearestOrEven)) - 1 }
        case .linspace:
            let last = Double(n - 1)
            return (0..<steps).reversed().map { i in
                Int((steps > 1 ? last * Double(i) / Double(steps - 1) : 0).rounded(.toNearestOrEven))
            }
        }
    }

    /// ᾱ_t, or a typed error for a timestep outside the schedule.
    public func alphaCumprod(at timestep: Int) throws -> Float {
        guard timestep >= 0, timestep < alphasCumprod.count else {
            throw SchedulerError.timestepOutOfRange(timestep, trainTimesteps: alphasCumprod.count)
        }
        return alphasCumprod[timestep]
    }

    public func scaleModelInput(_ sample: Tensor, timestep: Int) -> Tensor { sample }

    public func step(modelOutput: Tensor, timestep: Int, sample: Tensor) throws -> Tensor {
        try step(modelOutput: modelOutput, timestep: timestep, sample: sample, eta: 0).previousSample
    }

    /// One DDIM step from `timestep` to `timestep − stepRatio`; with η > 0 the `noise` z is added
    /// with standard deviation σ (it must then be given, with the sample's shape).
    public func step(
        modelOutput: Tensor, timestep: Int, sample: Tensor, eta: Float, noise: Tensor? = nil
    ) throws -> DDIMStepOutput {
        let previous = timestep - stepRatio
        let alpha = try alphaCumprod(at: timestep)
        let alphaPrevious = previous >= 0 ? try alphaCumprod(at: previous) : finalAlphaCumprod
        let (original, epsilon) = try split(modelOutput, sample: sample, alpha: alpha)
        let variance = (1 - alphaPrevious) / (1 - alpha) * (1 - alpha / alphaPrevious)
        let sigma = eta * variance.squareRoot()
        var result = try original * alphaPrevious.squareRoot() + epsilon * Swift.max(0, 1 - alphaPrevious - sigma * sigma).squareRoot()
        if eta > 0 {
            guard let noise else { throw SchedulerError.noiseRequired(eta: eta) }
            result = try result + noise * sigma
        }
        return DDIMStepOutput(previousSample: result, predictedOriginalSample: original)
    }

    /// The deterministic inversion step (diffusers' `DDIMInverseScheduler.step`): moves `sample` from
    /// `timestep − stepRatio` (ᾱ₀, or 1 with `set_alpha_to_one`, before the first step) up to the
    /// noisier `timestep`, using the model output evaluated at `timestep`:
    ///
    ///     x_t = √ᾱ_t·x̂₀ + √(1−ᾱ_t)·ε,   x̂₀ = (x − √(1−ᾱ_cur)·ε) / √ᾱ_cur
    public func invert(modelOutput: Tensor, timestep: Int, sample: Tensor) throws -> Tensor {
        let current = Swift.min(timestep - stepRatio, configuration.numTrainTimesteps - 1)
        let alphaCurrent = current >= 0 ? try alphaCumprod(at: current) : finalAlphaCumprod
        let alphaNext = try alphaCumprod(at: timestep)
        let (original, epsilon) = try split(modelOutput, sample: sample, alpha: alphaCurrent)
        return try original * alphaNext.squareRoot() + epsilon * (1 - alphaNext).squareRoot()
    }

    /// The inversion timesteps, cleanest first (the reverse of `timesteps`).
    public var inversionTimesteps: [Int] { timesteps.reversed() }

    public func addNoise(original: Tensor, noise: Tensor, timestep: Int) throws -> Tensor {
        let alpha = try alphaCumprod(at: timestep)
        return try original * alpha.squareRoot() + noise * (1 - alpha).squareRoot()
    }

    /// (x̂₀, ε̂) from a model output at noise level ᾱ, per the prediction type (x̂₀ clamped if configured).
    private func split(_ output: Tensor, sample: Tensor, alpha: Float) throws -> (Tensor, Tensor) {
        let a = alpha.squareRoot(), b = (1 - alpha).squareRoot()
        var original: Tensor
        let epsilon: Tensor
        switch configuration.predictionType {
        case .epsilon:
            original = try (sample - output * b) / a
            epsilon = output
        case .vPrediction:
            original = try sample * a - output * b
            epsilon = try output * a + sample * b
        case .sample:
            original = output
            epsilon = try (sample - output * a) / b
        }
        if configuration.clipSample {
            original = original.clamped(min: -configuration.clipSampleRange, max: configuration.clipSampleRange)
        }
        return (original, epsilon)
    }
}

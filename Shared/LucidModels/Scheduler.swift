/// `Scheduler`: the small interface a diffusion sampler drives (after candle's `Scheduler` trait):
/// the timesteps to visit, how to scale the model input, one denoising step, and forward noising.
import LucidTensor

/// A noise schedule with a fixed number of inference steps.
public protocol Scheduler: Sendable {
    /// The training timesteps the sampler visits, from noisiest to cleanest.
    var timesteps: [Int] { get }
    /// The standard deviation of the initial noise (1 for DDIM).
    var initNoiseSigma: Float { get }
    /// The model input for `sample` at `timestep` (identity for DDIM).
    func scaleModelInput(_ sample: Tensor, timestep: Int) -> Tensor
    /// The sample at the previous (less noisy) timestep, from the model output at `timestep`.
    func step(modelOutput: Tensor, timestep: Int, sample: Tensor) throws -> Tensor
    /// `original` noised to `timestep`: √ᾱ_t·x₀ + √(1−ᾱ_t)·ε.
    func addNoise(original: Tensor, noise: Tensor, timestep: Int) throws -> Tensor
}

/// A scheduler was asked for something its configuration or inputs do not allow.
public enum SchedulerError: Error, CustomStringConvertible, Equatable {
    /// A timestep outside 0..<num_train_timesteps.
    case timestepOutOfRange(Int, trainTimesteps: Int)
    /// An inference step count outside 1...num_train_timesteps.
    case invalidStepCount(Int, trainTimesteps: Int)
    /// A stochastic step (η > 0) was requested without the noise to add.
    case noiseRequired(eta: Float)
    /// A configuration option this scheduler does not implement.
    case unsupported(String)

    public var description: String {
        switch self {
        case .timestepOutOfRange(let t, let n): return "timestep \(t) is outside 0..<\(n)"
        case .invalidStepCount(let s, let n): return "\(s) inference steps: must be between 1 and \(n)"
        case .noiseRequired(let eta): return "a DDIM step with eta \(eta) > 0 needs variance noise"
        case .unsupported(let what): return "unsupported scheduler option: \(what)"
        }
    }
}

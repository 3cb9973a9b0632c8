/// DDIM inversion (method.md §2, preparation): the image's latent z₀ run up the schedule with the
/// conditional UNet only (CFG 1), keeping every intermediate latent z_t^ref and the memory bank.
import LucidModels
import LucidTensor

/// What inversion yields for one image, prompt and schedule; shared by every intention.
public struct Inversion: Sendable {
    /// z₀, the scaled latent of the working image.
    public let cleanLatent: Tensor
    /// z_t^ref by inference timestep.
    public let references: [Int: Tensor]
    /// Keys/values of every decoder self-attention by timestep.
    public let memoryBank: MemoryBank
    /// The inversion prompt's embedding `[1, L, D]` (also the context of the feature passes).
    public let sourceContext: Tensor

    /// Bytes held, for the cache's bound.
    public var byteCount: Int {
        (cleanLatent.count + references.values.reduce(0) { $0 + $1.count } + sourceContext.count) * 4 + memoryBank.byteCount
    }
}

/// Inverts latents with a model's UNet and a DDIM schedule.
public struct DDIMInversion {
    public let unet: UNet2DConditionModel
    public let scheduler: DDIMScheduler

    public init(unet: UNet2DConditionModel, scheduler: DDIMScheduler) {
        self.unet = unet
        self.scheduler = scheduler
    }

    /// Runs z₀ up the schedule, cleanest timestep first, for `depth` steps (nil: the whole schedule;
    /// sampling from step k needs steps − k): at each t the UNet is evaluated at t on the current
    /// latent (its decoder self-attention keys/values recorded), then `x_t = √ᾱ_t·x̂₀ + √(1−ᾱ_t)·ε`.
    /// Calls `progress(done, total)` after each step and stops with `CancellationError` when
    /// `isCancelled()` turns true.
    public func invert(
        _ z0: Tensor, context: Tensor, depth: Int? = nil, progress: (Int, Int) -> Void = { _, _ in },
        isCancelled: () -> Bool = { false }
    ) throws -> Inversion {
        let bank = MemoryBank()
        var references: [Int: Tensor] = [:]
        var z = z0
        let all = scheduler.inversionTimesteps
        let timesteps = all.prefix(min(all.count, max(1, depth ?? all.count)))
        for (index, t) in timesteps.enumerated() {
            if isCancelled() { throw CancellationError() }
            let output = try unet.forward(z, timestep: Float(t), encoderHiddenStates: context, hooks: bank.recording(at: t))
            guard let epsilon = output.sample else { throw EditingError.unsupported("the UNet pass gave no output") }
            z = try scheduler.invert(modelOutput: epsilon, timestep: t, sample: z)
            references[t] = z
            progress(index + 1, timesteps.count)
        }
        return Inversion(cleanLatent: z0, references: references, memoryBank: bank, sourceContext: context)
    }
}

/// Collaborative guidance sampling (method.md §2, "how"; LucidDrag, Cui et al., NeurIPS 2024, on
/// DiffEditor's guided DDIM, Mou et al., CVPR 2024). At step i, with ε_cfg the CFG noise prediction
/// (the decoder self-attention also attending to the memory bank from `memoryBankFrom` on):
///
///     ε̂ = ε_cfg + g_edit + g_sem + g_q
///     g_edit = step_factor·( M_lat ⊙ ∇_z λE_edit + (1 − M_lat) ⊙ ∇_z λE_content )   (guidance steps)
///     g_sem  = w_sem · M_lat ⊙ (ε(z, t, T) − ε(z, t, S))                              (guidance steps < semanticSteps)
///     g_q    = −w_q · √(1 − ᾱ_t) · ∇_z log D(z, t)                                      (every step)
///     x̂₀ = (z − √(1−ᾱ_t)·ε̂) / √ᾱ_t
///     z_prev = √ᾱ_prev·x̂₀ + √(1−ᾱ_prev−σ²)·ε_cfg + σ·ξ,  σ = η·√((1−ᾱ_prev)/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_prev)
///
/// with η the regional SDE's inside the mask and 0 outside (blended by M_lat, same ξ), optional
/// time travel (re-noise z_prev back to t and redo the step) and, from `blendOutsideFrom` on, the
/// inversion's latent kept outside the mask.
import LucidModels
import LucidTensor

/// The prompt embeddings of one intention, each `[1, L, D]`.
public struct IntentionContexts {
    public let unconditional: Tensor
    public let target: Tensor
    public let source: Tensor

    public init(unconditional: Tensor, target: Tensor, source: Tensor) {
        self.unconditional = unconditional
        self.target = target
        self.source = source
    }
}

/// What sampling produced.
public struct SamplingOutcome {
    /// z₀, the edited latent.
    public let latent: Tensor
    /// Whether quality guidance was applied on every step it was meant for.
    public let qualityGuidanceApplied: Bool
    /// Why it was not, when it was meant to be.
    public let note: String?
}

/// Runs the guided reverse process of one edit.
public struct CollaborativeSampler {
    public let unet: UNet2DConditionModel
    public let scheduler: DDIMScheduler
    public let options: EditingOptions
    public let inversion: Inversion
    public let geometry: DragGeometry
    public let contexts: IntentionContexts
    public let features: GuidanceFeatures
    public let energy: EditingEnergy

    public init(
        unet: UNet2DConditionModel, scheduler: DDIMScheduler, options: EditingOptions, inversion: Inversion,
        geometry: DragGeometry, contexts: IntentionContexts
    ) throws {
        self.unet = unet
        self.scheduler = scheduler
        self.options = options
        self.inversion = inversion
        self.geometry = geometry
        self.contexts = contexts
        let featureShape = geometry.featureMask.shape
        features = try GuidanceFeatures(unet: unet, blocks: options.featureBlocks, height: featureShape[2],
                                        width: featureShape[3], context: inversion.sourceContext)
        energy = EditingEnergy(geometry: geometry, options: options)
    }

    /// The start, at the timestep of `options.startStep` (z_T when that is 0): the inverted latent
    /// with, for each pair in order, the 3×3 latent patch at the handle copied to the target (always
    /// from the unmodified inverted latent); or, with `warpStart` and an intention that has a warp,
    /// the inverted latent with the mask's cells warped, its content taken from `warpedClean` (the
    /// encoded warped picture, `PixelWarp`) when given (`DragGeometry.warped`).
    public func startLatent(warpedClean: Tensor? = nil) throws -> Tensor {
        let first = options.startStep
        guard first < scheduler.timesteps.count, let inverted = inversion.references[scheduler.timesteps[first]] else {
            throw EditingError.unsupported("the inversion has no latent for the start step \(first)")
        }
        if geometry.startsWarped(options) {
            let warped = try warpedClean.map {
                try geometry.warped(inverted, clean: inversion.cleanLatent, warpedClean: $0,
                                    alpha: scheduler.alphaCumprod(at: scheduler.timesteps[first]))
            } ?? geometry.warped(inverted)
            if let warped { return warped }
        }
        let source = inverted.scalars
        var values = source
        let channels = inverted.shape[1], height = inverted.shape[2], width = inverted.shape[3]
        for cells in geometry.latentCells {
            for c in 0..<channels {
                for dy in -1...1 {
                    for dx in -1...1 {
                        let to = (c * height + cells.target.row + dy) * width + cells.target.column + dx
                        let from = (c * height + cells.handle.row + dy) * width + cells.handle.column + dx
                        values[to] = source[from]
                    }
                }
            }
        }
        return try Tensor(shape: inverted.shape, values: values)
    }

    /// The reverse process from `start` at `options.startStep`. `progress(done, total, x̂₀)` is called
    /// after each step (counting the steps sampled); `isCancelled` is checked before each; `quality`
    /// nil or `w_q = 0` skips quality guidance, and a guide that fails is dropped for the rest of the
    /// edit (the outcome says so).
    public func sample(
        from start: Tensor, quality: (any QualityGuide)?, noise: inout some NoiseSource,
        progress: (Int, Int, Tensor) -> Void = { _, _, _ in }, isCancelled: () -> Bool = { false }
    ) throws -> SamplingOutcome {
        var z = start
        var guide = options.qualityWeight != 0 ? quality : nil
        var note: String?
        let first = options.startStep, total = scheduler.timesteps.count
        for i in first..<total {
            if isCancelled() { throw CancellationError() }
            var step = try self.step(i, z: z, quality: &guide, note: &note, noise: &noise)
            for _ in 0..<options.travelRepeats(atStep: i) {
                let (alpha, alphaPrevious) = try alphas(at: i)
                let back = alpha / alphaPrevious
                let renoised = try step.latent * back.squareRoot() + noise.next(z.shape) * (1 - back).squareRoot()
                step = try self.step(i, z: renoised, quality: &guide, note: &note, noise: &noise)
            }
            z = step.latent
            if i >= options.blendOutsideFrom {
                z = try keepingOutside(z, afterStep: i)
            }
            progress(i + 1 - first, total - first, step.predictedClean)
        }
        let applied = options.qualityWeight != 0 && quality != nil && note == nil
        return SamplingOutcome(latent: z, qualityGuidanceApplied: applied, note: note)
    }

    /// One guided step i from z (at timestep t_i) to the previous timestep.
    public func step(
        _ i: Int, z: Tensor, quality: inout (any QualityGuide)?, note: inout String?, noise: inout some NoiseSource
    ) throws -> (latent: Tensor, predictedClean: Tensor) {
        let t = scheduler.timesteps[i]
        let (alpha, alphaPrevious) = try alphas(at: i)
        let guided = options.isGuidanceStep(i)
        let semantic = options.isSemanticStep(i)
        var batch = [z, z], context = [contexts.unconditional, contexts.target]
        if semantic {
            batch.append(z)
            context.append(contexts.source)
        }
        let hooks = i >= options.memoryBankFrom ? try inversion.memoryBank.attending(at: t) : UNetHooks()
        let output = try unet.forward(concat(batch, axis: 0), timestep: Float(t),
                                      encoderHiddenStates: concat(context, axis: 0), hooks: hooks)
        guard let noisePrediction = output.sample else { throw EditingError.unsupported("the UNet pass gave no output") }
        let parts = try noisePrediction.chunked(batch.count, axis: 0)
        let cfg = try parts[0] + (parts[1] - parts[0]) * options.guidanceScale
        var epsilon = cfg
        if guided && options.hasEditingGuidance {
            epsilon = try epsilon + editingGuidance(z, timestep: t)
        }
        if semantic {
            epsilon = try epsilon + ((parts[1] - parts[2]) * geometry.latentMask) * options.semanticWeight
        }
        if let guide = quality {
            do {
                let score = try guide.score(z, timestep: t)
                epsilon = try epsilon + score.gradient * (-options.qualityWeight * (1 - alpha).squareRoot())
            } catch {
                quality = nil
                note = "quality guidance stopped at step \(i): \(error)"
            }
        }
        let clean = try (z - epsilon * (1 - alpha).squareRoot()) * (1 / alpha.squareRoot())
        let eta = options.eta(atStep: i)
        let direct = try clean * alphaPrevious.squareRoot() + cfg * (1 - alphaPrevious).squareRoot()
        guard eta > 0 else { return (direct, clean) }
        let sigma = eta * ((1 - alphaPrevious) / (1 - alpha)).squareRoot() * (1 - alpha / alphaPrevious).squareRoot()
        let stochastic = try clean * alphaPrevious.squareRoot() + cfg * max(0, 1 - alphaPrevious - sigma * sigma).squareRoot()
            + noise.next(z.shape) * sigma
        let mask = geometry.latentMask
        return (try stochastic * mask + direct * (1 - mask), clean)
    }

    /// g_edit at (z, t): the masked gradients of λE_edit and λE_content, times the step factor.
    public func editingGuidance(_ z: Tensor, timestep t: Int) throws -> Tensor {
        let energies = try self.energies(z, timestep: t)
        var gradient = try energies.editGradient * geometry.latentMask
        if let content = energies.contentGradient {
            gradient = try gradient + content * (1 - geometry.latentMask)
        }
        return gradient * options.stepFactor
    }

    /// λE_edit, λE_content (nil when nothing lies outside the mask) and their gradients at (z, t).
    public func energies(_ z: Tensor, timestep t: Int) throws
        -> (edit: Float, content: Float?, editGradient: Tensor, contentGradient: Tensor?)
    {
        guard let reference = inversion.references[t] else {
            throw EditingError.unsupported("the inversion has no latent for timestep \(t)")
        }
        let referenceFeatures = try features(reference, timestep: t)
        let tape = GradientTape()
        let watched = tape.watch(z)
        let current = try features(watched, timestep: t)
        let edit = try energy.edit(current: current, reference: referenceFeatures)
        let editGradient = try tape.gradient(of: edit, wrt: watched)
        guard let content = try energy.content(current: current, reference: referenceFeatures) else {
            return (try edit.item(), nil, editGradient, nil)
        }
        return (try edit.item(), try content.item(), editGradient, try tape.gradient(of: content, wrt: watched))
    }

    /// `z` after step i with the inversion's latent of the same (previous) timestep outside the mask.
    func keepingOutside(_ z: Tensor, afterStep i: Int) throws -> Tensor {
        let timesteps = scheduler.timesteps
        let reference = i + 1 < timesteps.count ? inversion.references[timesteps[i + 1]] : inversion.cleanLatent
        guard let reference else { throw EditingError.unsupported("the inversion has no latent after step \(i)") }
        let mask = geometry.latentMask
        return try z * mask + reference * (1 - mask)
    }

    /// (ᾱ_t, ᾱ_prev) of step i.
    func alphas(at i: Int) throws -> (Float, Float) {
        let t = scheduler.timesteps[i]
        let previous = t - scheduler.stepRatio
        let final = scheduler.configuration.setAlphaToOne ? 1 : try scheduler.alphaCumprod(at: 0)
        return (try scheduler.alphaCumprod(at: t), previous >= 0 ? try scheduler.alphaCumprod(at: previous) : final)
    }
}

/// One drag edit end to end (method.md §2): the image at working resolution, VAE encoding and DDIM
/// inversion (shared through the inversion cache), collaborative guidance sampling for one
/// intention, decoding back to the input's size. Synchronous and compute-heavy: run it on a thread
/// of its own, not on the cooperative pool.
import Foundation
import LucidImage
import LucidModels
import LucidTensor

/// What to edit and how.
public struct DragEditRequest: Sendable {
    public var image: RasterImage
    /// The editable region, the image's size.
    public var mask: BinaryMask
    /// Drags in the image's pixels.
    public var pairs: [DragPair]
    /// The intention: what the image shows (S) and what it should show (T).
    public var sourcePrompt: String
    public var targetPrompt: String
    /// The transform the intention fitted to the drag, in the image's pixels (nil: none).
    public var warp: AffineWarp?
    public var options: EditingOptions

    public init(image: RasterImage, mask: BinaryMask, pairs: [DragPair], sourcePrompt: String, targetPrompt: String,
                warp: AffineWarp? = nil, options: EditingOptions = EditingOptions()) {
        self.image = image
        self.mask = mask
        self.pairs = pairs
        self.sourcePrompt = sourcePrompt
        self.targetPrompt = targetPrompt
        self.warp = warp
        self.options = options
    }
}

/// The stages of an edit, in order.
public enum EditStage: String, Sendable, CaseIterable {
    case encode, invert, sample, decode
}

/// Seconds spent in each stage.
public struct StageTimes: Sendable, Equatable, Codable {
    public var encode = 0.0, invert = 0.0, sample = 0.0, decode = 0.0

    public init() {}

    public var total: Double { encode + invert + sample + decode }
}

/// A progress report: `step` of `total` done in `stage`, with a preview of the clean-latent
/// estimate when one was due.
public struct EditProgress {
    public let stage: EditStage
    public let step: Int
    public let total: Int
    public let preview: RasterImage?
}

/// The edit and how it went.
public struct DragEditResult: Sendable {
    /// The edited image, the input's size.
    public let image: RasterImage
    /// z₀ of the edit.
    public let latent: Tensor
    /// The discriminator's logit on z₀ at t = 0 (nil without a guide, or when it failed).
    public let qualityLogit: Float?
    public let times: StageTimes
    public let frame: WorkingFrame
    public let inversionCached: Bool
    public let qualityGuidanceApplied: Bool
    public let note: String?
}

/// Edits images with one model; thread-safe, one edit per calling thread.
public final class DragEditor: Sendable {
    public let model: EditingModel
    public let cache: InversionCache

    public init(model: EditingModel, cache: InversionCache) {
        self.model = model
        self.cache = cache
    }

    /// Runs the edit. `quality` scores latents for quality guidance and the final score (nil: none);
    /// `noise` defaults to the options' seed. Throws `EditingError` for bad input, naming it, and
    /// `CancellationError` within one UNet pass of `isCancelled()` turning true.
    public func edit(
        _ request: DragEditRequest, quality: (any QualityGuide)?, noise: (any NoiseSource)? = nil,
        progress: (EditProgress) -> Void = { _ in }, isCancelled: @escaping () -> Bool = { false }
    ) throws -> DragEditResult {
        let options = request.options
        try options.validate()
        try check(request)
        let bridge = LatentBridge(model: model)
        let frame = bridge.frame(width: request.image.width, height: request.image.height, side: options.workingSide)
        let scheduler = try DDIMScheduler(steps: options.steps, configuration: model.schedulerConfiguration)
        var times = StageTimes()

        let pixels = try bridge.pixels(request.image, frame: frame)
        let inversionPrompt = options.inversionPrompt ?? request.sourcePrompt
        let depth = options.steps - options.startStep
        let key = InversionKey(model: model.identity, image: fingerprint(pixels), prompt: inversionPrompt,
                               steps: options.steps, depth: depth)
        let (inversion, cached) = try cache.inversion(for: key) {
            var start = ContinuousClock.now
            progress(EditProgress(stage: .encode, step: 0, total: 1, preview: nil))
            let z0 = try bridge.encode(pixels)
            times.encode = seconds(since: &start)
            progress(EditProgress(stage: .encode, step: 1, total: 1, preview: nil))
            let context = try model.encode(prompts: [inversionPrompt])
            let inversion = try DDIMInversion(unet: model.unet, scheduler: scheduler).invert(
                z0, context: context, depth: depth,
                progress: { progress(EditProgress(stage: .invert, step: $0, total: $1, preview: nil)) },
                isCancelled: isCancelled)
            times.invert = seconds(since: &start)
            return inversion
        }
        var start = ContinuousClock.now

        let prompts = try model.encode(prompts: ["", request.targetPrompt, request.sourcePrompt]).chunked(3, axis: 0)
        let contexts = IntentionContexts(unconditional: prompts[0], target: prompts[1], source: prompts[2])
        let working = try workingMask(request.mask, frame: frame)
        let workingWarp = request.warp?.rescaled(x: Double(frame.width) / Double(frame.originalWidth),
                                                 y: Double(frame.height) / Double(frame.originalHeight))
        let geometry = try DragGeometry(
            mask: working, pairs: request.pairs.map { DragPair(handle: frame.working($0.handle), target: frame.working($0.target)) },
            latentFactor: model.latentFactor, featureStride: options.featureStride, window: options.window,
            warp: workingWarp)
        let sampler = try CollaborativeSampler(unet: model.unet, scheduler: scheduler, options: options,
                                               inversion: inversion, geometry: geometry, contexts: contexts)
        // The warped start's content: the picture warped at pixel resolution, encoded (one VAE pass).
        var warpedClean: Tensor?
        if options.warpPixels, geometry.startsWarped(options), let workingWarp {
            warpedClean = try bridge.encode(PixelWarp.warped(pixels, mask: working, warp: workingWarp))
        }
        var draws: any NoiseSource = noise ?? SeededNoise(seed: options.seed)
        let outcome = try sampler.sample(
            from: sampler.startLatent(warpedClean: warpedClean), quality: quality, noise: &draws,
            progress: { step, total, clean in
                let due = options.previewEvery > 0 && (step % options.previewEvery == 0) && step < total
                progress(EditProgress(stage: .sample, step: step, total: total,
                                      preview: due ? try? self.preview(clean, bridge: bridge) : nil))
            },
            isCancelled: isCancelled)
        times.sample = seconds(since: &start)

        progress(EditProgress(stage: .decode, step: 0, total: 1, preview: nil))
        let decoded = try bridge.decode(outcome.latent)
        var image = try LatentBridge.image(decoded, width: frame.originalWidth, height: frame.originalHeight)
        if options.keepOutside {
            image = try OutsidePixels.kept(edited: image, input: request.image, latentMask: geometry.latentMask,
                                           feather: options.outsideFeather)
        }
        let logit = outcome.note == nil ? try? quality?.score(outcome.latent, timestep: 0).logit : nil
        times.decode = seconds(since: &start)
        progress(EditProgress(stage: .decode, step: 1, total: 1, preview: nil))
        return DragEditResult(image: image, latent: outcome.latent, qualityLogit: logit ?? nil, times: times, frame: frame,
                              inversionCached: cached, qualityGuidanceApplied: outcome.qualityGuidanceApplied,
                              note: outcome.note)
    }

    /// Seconds from `start` to now; `start` moves to now.
    private func seconds(since start: inout ContinuousClock.Instant) -> Double {
        let now = ContinuousClock.now
        defer { start = now }
        let elapsed = (now - start).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    /// Rejects an image, mask and pairs that do not fit together.
    private func check(_ request: DragEditRequest) throws {
        let width = request.image.width, height = request.image.height
        guard request.mask.width == width, request.mask.height == height else {
            throw EditingError.invalidInput(
                "the mask is \(request.mask.width)×\(request.mask.height) but the image is \(width)×\(height)")
        }
        guard !request.mask.isEmpty else { throw EditingError.invalidInput("the mask is empty: nothing may be edited") }
        guard !request.pairs.isEmpty else { throw EditingError.invalidInput("no handle→target pairs given") }
        for (index, pair) in request.pairs.enumerated() {
            for (name, point) in [("handle", pair.handle), ("target", pair.target)] {
                guard point.x.isFinite, point.y.isFinite, point.x >= 0, point.y >= 0,
                      point.x < Float(width), point.y < Float(height) else {
                    throw EditingError.invalidInput(
                        "pair \(index): the \(name) (\(point.x), \(point.y)) is outside the \(width)×\(height) image")
                }
            }
        }
        guard !request.targetPrompt.isEmpty else { throw EditingError.invalidInput("the target prompt is empty") }
    }

    /// The mask at working resolution (nearest neighbour).
    private func workingMask(_ mask: BinaryMask, frame: WorkingFrame) throws -> BinaryMask {
        guard (mask.width, mask.height) != (frame.width, frame.height) else { return mask }
        return BinaryMask(nonZeroIn: try mask.toImage().resized(width: frame.width, height: frame.height, filter: .nearest))
    }

    /// A small picture of a clean-latent estimate (at most 128 pixels a side).
    private func preview(_ clean: Tensor, bridge: LatentBridge) throws -> RasterImage {
        let decoded = try bridge.decode(clean)
        let h = decoded.shape[2], w = decoded.shape[3], scale = min(1, 128 / Double(max(w, h)))
        return try LatentBridge.image(decoded, width: max(1, Int(Double(w) * scale)), height: max(1, Int(Double(h) * scale)))
    }

    private func fingerprint(_ pixels: Tensor) -> UInt64 {
        let bytes = pixels.scalars.withUnsafeBytes { Array($0) }
        return InversionKey.fingerprint(width: pixels.shape[3], height: pixels.shape[2], pixels: bytes)
    }
}

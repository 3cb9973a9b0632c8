/// The knobs of one drag edit (method.md §2), with the method's defaults. Setting a weight to 0
/// switches its term off, which gives the ablations (no editing, semantic or quality guidance).

/// Every weight, window and schedule of collaborative guidance sampling.
public struct EditingOptions: Sendable, Equatable {
    /// DDIM steps T.
    public var steps = 50
    /// Classifier-free guidance scale s (method.md: 4; 2 measured better on the demo model's dev tasks).
    public var guidanceScale: Float = 2
    /// Seeds the regional-SDE and time-travel noise.
    public var seed: UInt64 = 0
    /// w_e: pull the target window's features towards the handle's original ones.
    public var editWeight: Float = 4
    /// w_c: keep the features outside the mask as they were.
    public var contentWeight: Float = 6
    /// w_i: push the vacated part of the handle window away from its original content. Only with the
    /// patch-copy start: the warped start already leaves the background there, and on dev tasks
    /// 0061–0150 the term on top of it hollowed enlarged objects and left traces of moved ones (MD
    /// 2.9 → 2.4 px, checker 87 → 94 % without it).
    public var inpaintWeight: Float = 0.2
    /// λ, the energy scale (method.md: 2000; the demo model's feature gradients are ~10× weaker than
    /// SD-1.5's, and 20000 moved objects on 14 dev tasks where 2000 left large drags undone).
    public var energyScale: Float = 20000
    /// The factor on the editing-guidance gradient (DiffEditor's 0.04; 0.01 measured better on the
    /// demo model's dev tasks 0061–0150 with the warped start, which has already moved the content:
    /// MD 2.4 → 2.0 px, IoU 0.70 → 0.72, checker 94 → 97 %).
    public var stepFactor: Float = 0.01
    /// w_sem: the source-to-target prompt direction inside the mask (method.md: 1.5; 0.5 measured
    /// better on the demo model's dev tasks, where 1.5 hollows enlarged objects into rings).
    public var semanticWeight: Float = 0.5
    /// w_q: classifier guidance by the fidelity discriminator (method.md: 1e-3 for SD-1.5; 1 measured
    /// better on the demo model's dev tasks with the warped start, where 1e-3 did nothing measurable).
    public var qualityWeight: Float = 1
    /// Editing and semantic guidance on steps i < this (i = 0 is the noisiest).
    public var guidanceSteps = 30
    /// Semantic guidance only on the guidance steps i < this (method.md: all of them). 22, the first three
    /// guided steps of the sampling, measured better on the demo model's dev tasks whose prompts differ:
    /// later, the target prompt's size word pulls a resized object to the size the word means to the model,
    /// not the size the drag asks for.
    public var semanticSteps = 22
    /// Guidance on every step below this, then on even steps only (DiffEditor's schedule).
    public var denseGuidanceSteps = 10
    /// Decoder self-attention also attends to the inversion's keys/values from this step on.
    public var memoryBankFrom = 5
    /// η of the regional SDE inside the mask (0 outside); 0 = deterministic DDIM.
    public var sdeEta: Float = 0.4
    /// The steps of the regional SDE, inclusive.
    public var sdeSteps = 11...19
    /// Re-noise and redo these steps (off unless `timeTravel`).
    public var timeTravel = false
    public var timeTravelSteps = [22, 24, 26, 28]
    public var timeTravelRepeats = 3
    /// From this step on, the latent outside the mask is replaced by the inversion's latent of the
    /// same timestep (blended latents, as DragDiffusion does); ≥ steps = off, as method.md has it.
    /// On by default: on 8 dev tasks it kept other objects intact (outside-mask PSNR 30.7 → 34.3 dB,
    /// PSNR to the ground truth 20.7 → 23.0 dB).
    public var blendOutsideFrom = 0
    /// The result's pixels outside the mask's latent cells are the input's (blended in over
    /// `outsideFeather` pixels), not the decoder's: the decoder mixes the whole latent, so an edit
    /// would otherwise tint and blur the picture far outside the mask. Off = the decoder's picture.
    public var keepOutside = true
    /// The width in pixels (of the caller's image) of the blend around the edited cells.
    public var outsideFeather = 3
    /// Start from the inverted latent with the mask's cells warped by the intention's fitted
    /// transform (when the intention has one) instead of method.md's 3×3 patch copy.
    public var warpStart = true
    /// The warped start's content is the picture warped at pixel resolution and encoded
    /// (`PixelWarp`); off = the inverted latent's cells warped as they are, nearest cell (until
    /// 2026-12-07; for tuning runs, not a request option). On dev tasks 0061–0150 the full row went
    /// from MD 1.98 px, IoU 0.730 to 1.84 px, 0.759 (tuning run 19).
    public var warpPixels = true
    /// The share of the schedule that is sampled: sampling starts at step
    /// `startStep` = steps − round(strength × steps) from the inversion's latent of that timestep, as
    /// DragDiffusion does (35 of 50 steps). 1 = from z_T, as method.md has it. 0.7 measured better on
    /// the demo model's dev tasks: a large move warped at z_T came out as another object.
    public var inversionStrength: Float = 0.7
    /// Side of the square handle/target windows at feature resolution (odd).
    public var window = 3
    /// The decoder (up) blocks whose outputs are the guidance features.
    public var featureBlocks = [1, 2]
    /// Feature resolution = working image / this (image/4, as SD-1.x's 2× latent resolution).
    public var featureStride = 4
    /// The prompt of the DDIM inversion; nil = the intention's source prompt.
    public var inversionPrompt: String?
    /// A preview every k sampling steps; 0 = none.
    public var previewEvery = 10
    /// The longer side of the working image; nil = the model's native size.
    public var workingSide: Int?

    public init() {}

    /// Whether step `i` gets editing (and semantic) guidance.
    public func isGuidanceStep(_ i: Int) -> Bool {
        i < guidanceSteps && (i < denseGuidanceSteps || i % 2 == 0)
    }

    /// Whether step `i` gets semantic guidance.
    public func isSemanticStep(_ i: Int) -> Bool {
        semanticWeight != 0 && i < semanticSteps && isGuidanceStep(i)
    }

    /// The first sampling step (the inversion runs steps − startStep steps); an out-of-range
    /// strength counts as its nearest bound until `validate` refuses it.
    public var startStep: Int {
        let share = inversionStrength.isFinite ? min(1, max(0, inversionStrength)) : 1
        return min(steps - 1, max(0, steps - Int((share * Float(steps)).rounded())))
    }

    /// η at step `i` inside the mask.
    public func eta(atStep i: Int) -> Float {
        sdeSteps.contains(i) ? sdeEta : 0
    }

    /// How often step `i` is redone by time travel.
    public func travelRepeats(atStep i: Int) -> Int {
        timeTravel && timeTravelSteps.contains(i) ? timeTravelRepeats : 0
    }

    /// Whether the editing energies contribute at all.
    public var hasEditingGuidance: Bool {
        energyScale != 0 && stepFactor != 0 && (editWeight != 0 || contentWeight != 0 || inpaintWeight != 0)
    }

    /// Checks ranges; the message names the option and what it takes.
    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw EditingError.invalidOption(message) }
        }
        try check((1...1000).contains(steps), "steps must be in 1...1000, got \(steps)")
        let weights: [(String, Float)] = [
            ("guidance_scale", guidanceScale), ("edit_weight", editWeight), ("content_weight", contentWeight),
            ("inpaint_weight", inpaintWeight), ("energy_scale", energyScale), ("step_factor", stepFactor),
            ("semantic_weight", semanticWeight), ("quality_weight", qualityWeight), ("sde_eta", sdeEta),
            ("inversion_strength", inversionStrength),
        ]
        for (name, value) in weights {
            try check(value.isFinite, "\(name) must be finite, got \(value)")
        }
        try check(inversionStrength > 0 && inversionStrength <= 1,
                  "inversion_strength must be in (0, 1], got \(inversionStrength)")
        try check(sdeEta >= 0 && sdeEta <= 1, "sde_eta must be in [0, 1], got \(sdeEta)")
        try check(window >= 1 && window % 2 == 1 && window <= 15, "window must be odd and in 1...15, got \(window)")
        try check(!featureBlocks.isEmpty, "feature_blocks must name at least one decoder block")
        try check([1, 2, 4, 8, 16].contains(featureStride), "feature_stride must be 1, 2, 4, 8 or 16, got \(featureStride)")
        try check((0...64).contains(outsideFeather), "outside_feather must be in 0...64, got \(outsideFeather)")
        try check((0...20).contains(timeTravelRepeats), "time_travel_repeats must be in 0...20, got \(timeTravelRepeats)")
        if let side = workingSide { try check((16...2048).contains(side), "working_side must be in 16...2048, got \(side)") }
    }
}

/// Runs the edit benchmark: every row on every task, same seed, one inversion per task shared by all
/// diffusion rows (the inversion prompt is the caption, as the gateway sets it), every result
/// measured as soon as it is made and the JSON report rewritten after each task.
import Foundation
import LucidBench
import LucidEditing
import LucidImage
import LucidModels
import LucidProto
import LucidReasoning
import LucidTensor

/// What to run.
public struct EditBenchConfiguration: Sendable {
    /// The task folders' parent.
    public var tasks: URL
    public var rows: [EditBenchRow] = EditBenchRow.allCases
    /// The first `limit` tasks (all when nil).
    public var limit: Int?
    /// The method's options (steps and seed included); each row switches its components off.
    public var options = EditingOptions()
    /// Options set away from their defaults (already applied to `options`; recorded in the report).
    public var overrides: [OptionOverride] = []
    /// Intentions the full row edits (diversity and coverage); the other reasoner rows edit the best.
    public var intentions = 3
    /// The folder the result pictures go to.
    public var output: URL
    /// The JSON report, rewritten after each task.
    public var json: URL?

    public init(tasks: URL, output: URL) {
        self.tasks = tasks
        self.output = output
        options.previewEvery = 0
    }
}

/// Runs rows over tasks with one loaded model.
public final class EditBenchRunner {
    public let configuration: EditBenchConfiguration
    public let model: EditingModel
    public let discriminator: LatentDiscriminator
    /// Ground-truth scores (nil: not scored).
    public let scorer: GroundTruthScorer?
    private let matcher: FeatureMatchDistance
    private let perceptual: PerceptualDistance

    public init(configuration: EditBenchConfiguration, model: EditingModel, discriminator: LatentDiscriminator,
                scorer: GroundTruthScorer?) throws {
        self.configuration = configuration
        self.model = model
        self.discriminator = discriminator
        self.scorer = scorer
        matcher = try FeatureMatchDistance(model: model)
        perceptual = PerceptualDistance(model: model)
    }

    /// Runs every row on every task; `log` hears one line per result.
    public func run(log: (String) -> Void = { _ in }) throws -> EditBenchReport {
        let tasks = try EditBenchTask.loadAll(from: configuration.tasks, limit: configuration.limit)
        guard !tasks.isEmpty else { throw EditBenchError.invalid("no task folders (with task.json) in \(configuration.tasks.path)") }
        let options = configuration.options
        var report = EditBenchReport(setup: .init(
            tasks: configuration.tasks.relativePath, steps: options.steps, seed: options.seed, intentions: configuration.intentions,
            rows: configuration.rows, model: model.identity, threads: Engine.threads, blasCore: Engine.blasCore,
            groundTruthScored: scorer != nil, overrides: configuration.overrides))
        let start = try CPUSnapshot.now(), clock = ContinuousClock.now
        for (index, task) in tasks.enumerated() {
            log("task \(index + 1)/\(tasks.count) \(task.id) (\(task.drag.intended.wireName))")
            report.tasks.append(try run(task, log: log))
            let now = try CPUSnapshot.now()
            report.ownCPUSeconds = now.ownSeconds(since: start)
            report.otherCPUSeconds = now.otherProcessesSeconds(since: start)
            report.wallSeconds = seconds(ContinuousClock.now - clock)
            report.summarise()
            if let json = configuration.json { try report.write(to: json) }
        }
        return report
    }

    /// Every row on one task.
    func run(_ task: EditBenchTask, log: (String) -> Void) throws -> EditTaskRecord {
        let input = task.drag.input
        let reasoned = try reasoned(task)
        let source = try matcher.features(latent: latent(input.image), width: input.image.width, height: input.image.height)
        let truth = try perceptual.features(task.truth)
        let editor = DragEditor(model: model, cache: InversionCache(byteLimit: 1 << 30))
        let folder = configuration.output.appendingPathComponent(task.id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rows: [EditRowRecord] = []
        for row in configuration.rows {
            var results: [EditResultRecord] = []
            var images: [RasterImage] = []
            for (k, candidate) in try candidates(row, task: task, reasoned: reasoned).enumerated() {
                let made = try make(candidate, row: row, task: task, editor: editor)
                let url = folder.appendingPathComponent("\(row.rawValue)-\(k + 1).png")
                try PNGCodec.encode(made.image).write(to: url)
                let z = try latent(made.image)
                let record = EditResultRecord(
                    intention: candidate.intention, sourcePrompt: candidate.prompts?.source, targetPrompt: candidate.prompts?.target,
                    psnrInside: ImageMetrics.psnr(made.image, task.truth, mask: input.mask, inside: true) ?? .nan,
                    psnrOutside: ImageMetrics.psnr(made.image, input.image, mask: input.mask, inside: false) ?? .nan,
                    featureMD: matcher.distance(
                        source: source, edited: try matcher.features(latent: z, width: made.image.width, height: made.image.height),
                        pairs: task.scoredPairs),
                    perceptual: try perceptual.distance(truth, perceptual.features(made.image)),
                    discriminatorLogit: try cleanLogit(z),
                    truth: try scorer?.score(task: task.folder, image: url),
                    times: made.times, flops: made.flops, image: url.relativePath)
                log(String(format: "  %@ %@: MD %@, feature MD %.1f, PSNR in %.1f / out %.1f dB, %.2f s", row.rawValue, candidate.intention,
                           record.truth.map { String(format: "%.1f", $0.md) } ?? "–", record.featureMD, record.psnrInside,
                           record.psnrOutside, made.times.encode + made.times.invert + made.times.perIntention))
                results.append(record)
                images.append(made.image)
            }
            rows.append(EditRowRecord(row: row, results: results, diversity: diversity(images, mask: input.mask),
                                      coverage: coverage(results, acceptable: task.drag.acceptable.count),
                                      intentionCoverage: results.count > 1 ? Double(task.drag.acceptable.filter { kind in
                                          results.contains { $0.intention == kind.wireName } }.count) / Double(task.drag.acceptable.count) : nil))
        }
        let pairs = input.pairs
        return EditTaskRecord(id: task.id, intendedKind: task.drag.intended.wireName, acceptableKinds: task.drag.acceptable.map(\.wireName),
                              pairs: pairs.count, dragLength: pairs.map(\.displacement.length).reduce(0, +) / Double(pairs.count), rows: rows)
    }

    /// The full row's best intention on the task in `folder`, edited again from scratch (its own
    /// encoding and inversion, as the PyTorch twin pays them), for timing beside the twin.
    public func timeFullEdit(folder: URL) throws -> StageTimes {
        let task = try EditBenchTask(folder: folder)
        guard let best = try candidates(.full, task: task, reasoned: reasoned(task)).first else {
            throw EditBenchError.invalid("\(task.id): the reasoner gave no intention")
        }
        let editor = DragEditor(model: model, cache: InversionCache(byteLimit: 1 << 30))
        return try make(best, row: .full, task: task, editor: editor).times
    }

    /// Every kind the built-in reasoner infers for the task, best first: the diffusion rows take the
    /// first N, the truth row the intended kind's warp.
    func reasoned(_ task: EditBenchTask) throws -> Lucid_V1_ReasonResponse {
        let input = task.drag.input
        return BuiltinBackend().answer(try ReasoningInput(
            image: input.image, mask: input.mask, pairs: input.pairs, caption: input.caption,
            count: Lucid_V1_IntentionKind.reasoned.count))
    }

    /// What a row answers with: its intentions (with prompts for the diffusion rows).
    struct Candidate {
        let intention: String
        let prompts: (source: String, target: String)?
        /// The intention's fitted transform (`Intention.warp`); empty: none.
        var warp: [Float] = []
    }

    func candidates(_ row: EditBenchRow, task: EditBenchTask, reasoned: Lucid_V1_ReasonResponse) throws -> [Candidate] {
        let caption = task.drag.input.caption
        switch row {
        case .identity, .copyPaste:
            return [Candidate(intention: row.rawValue, prompts: nil)]
        case .caption:
            guard !caption.isEmpty else { throw EditBenchError.invalid("\(task.id) has no caption for the caption row") }
            return [Candidate(intention: "caption", prompts: (caption, caption))]
        case .truth:
            let intended = reasoned.intentions.first { $0.kind == task.drag.intended }
            return [Candidate(intention: "truth", prompts: (caption, task.captionAfter), warp: intended?.warp ?? [])]
        case .editOnly, .memory, .semantic, .full:
            let count = row == .full ? configuration.intentions : 1
            return reasoned.intentions.prefix(count).map {
                Candidate(intention: $0.kind.wireName, prompts: ($0.sourcePrompt, $0.targetPrompt), warp: $0.warp)
            }
        }
    }

    /// A row's picture for one candidate, with its stage times and operation count.
    func make(_ candidate: Candidate, row: EditBenchRow, task: EditBenchTask, editor: DragEditor) throws
        -> (image: RasterImage, times: StageTimes, flops: Double)
    {
        let input = task.drag.input
        guard let prompts = candidate.prompts else {
            return (row == .copyPaste ? CopyPasteWarp().apply(to: input) : input.image.toRGB(), StageTimes(), 0)
        }
        var options = row.options(configuration.options)
        options.inversionPrompt = input.caption.isEmpty ? nil : input.caption
        let pairs = input.pairs.map {
            LucidEditing.DragPair(handle: DragPoint(x: Float($0.handle.x), y: Float($0.handle.y)),
                                  target: DragPoint(x: Float($0.target.x), y: Float($0.target.y)))
        }
        let request = DragEditRequest(image: input.image, mask: input.mask, pairs: pairs, sourcePrompt: prompts.source,
                                      targetPrompt: prompts.target,
                                      warp: candidate.warp.isEmpty ? nil : try AffineWarp(candidate.warp.map(Double.init)),
                                      options: options)
        let flops = Engine.gemmFlops
        let result = try editor.edit(request, quality: options.qualityWeight != 0 ? LocalQualityGuide(discriminator: discriminator) : nil)
        return (result.image, result.times, Double(Engine.gemmFlops - flops))
    }

    /// `image` as the VAE's latent: one encode serves the feature match and the discriminator.
    func latent(_ image: RasterImage) throws -> Tensor {
        let bridge = LatentBridge(model: model)
        return try bridge.encode(bridge.nativePixels(image))
    }

    /// The discriminator's logit on the clean latent `z` (t = 0).
    func cleanLogit(_ z: Tensor) throws -> Double {
        Double(try discriminator.score(z, timesteps: [0]).logits[0])
    }

    /// Mean pairwise RMS difference inside the mask; nil for fewer than two images.
    func diversity(_ images: [RasterImage], mask: BinaryMask) -> Double? {
        guard images.count > 1 else { return nil }
        var total = 0.0, count = 0.0
        for a in 0..<images.count {
            for b in (a + 1)..<images.count {
                total += ImageMetrics.rmsInside(images[a], images[b], mask: mask)
                count += 1
            }
        }
        return total / count
    }

    /// The share of acceptable kinds that some result matches best (IoU ≥ 0.5 with its ground truth,
    /// more than with any other acceptable one); nil with one result or without scores.
    func coverage(_ results: [EditResultRecord], acceptable: Int) -> Double? {
        guard results.count > 1 else { return nil }
        let scores = results.compactMap(\.truth)
        guard scores.count == results.count else { return nil }
        var covered = Set<Int>()
        for score in scores {
            guard let best = score.acceptableIoU.indices.max(by: { score.acceptableIoU[$0] < score.acceptableIoU[$1] }),
                  score.acceptableIoU[best] >= 0.5 else { continue }
            covered.insert(best)
        }
        return Double(covered.count) / Double(acceptable)
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

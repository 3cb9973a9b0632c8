/// BuiltinBackend: the embedded default reasoner — no model, deterministic: locate the object under the
/// handles, score the seven kinds from the drag geometry, and write prompts by editing the caption.
import Foundation
import LucidImage
import LucidProto

/// The built-in locator + reasoner.
public struct BuiltinBackend: ReasonerBackend {
    public var locator = RegionLocator()
    public var classifier = ShapeClassifier()
    public var scorer: IntentionScorer
    public var writer = PromptWriter()

    public init(settings: IntentionScorerSettings = IntentionScorerSettings()) {
        self.scorer = IntentionScorer(settings: settings)
    }

    public var name: String { "builtin" }

    /// Runs on a Dispatch queue, off the cooperative pool (the work is milliseconds, but CPU-bound).
    public func reason(_ input: ReasoningInput) async throws -> Lucid_V1_ReasonResponse {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: answer(input)) }
        }
    }

    /// What the built-in backend sees: the located object, its description and every kind's score.
    public struct Analysis: Sendable {
        public let description: RegionDescription
        /// The located object (the whole mask when nothing in it stands out from the background).
        public let region: Region
        public let centre: PixelPoint
        public let scores: [KindScore]
        public let ranked: RankedKinds
    }

    /// Locates, describes and scores (synchronously; the whole answer is a few milliseconds of work).
    public func analyse(_ input: ReasoningInput) -> Analysis {
        let side = min(input.image.width, input.image.height)
        let region: Region
        let shape: ShapeName
        if let located = locator.locate(in: input.image, mask: input.mask, handle: input.pairs[0].handle) {
            region = located
            shape = classifier.classify(located)
        } else {
            // Nothing in the mask stands out from the background: reason about the mask itself.
            region = Region(pixels: input.mask, colour: RGB(128, 128, 128))
            shape = .object
        }
        let description = RegionDescription(region: region, shape: shape, imageWidth: input.image.width, imageHeight: input.image.height)
        let scores = scorer.score(pairs: input.pairs, centre: region.centroid, radius: description.radius, imageSide: side,
                                  extent: { region.extent(towards: $0) })
        return Analysis(description: description, region: region, centre: region.centroid, scores: scores, ranked: scorer.rank(scores))
    }

    /// The contract answer for an input.
    public func answer(_ input: ReasoningInput) -> Lucid_V1_ReasonResponse {
        let analysis = analyse(input)
        let n = Double(input.pairs.count)
        let drag = PixelPoint(x: input.pairs.map(\.displacement.x).reduce(0, +) / n,
                              y: input.pairs.map(\.displacement.y).reduce(0, +) / n)
        var response = Lucid_V1_ReasonResponse()
        response.regionDescription = analysis.description.sentence
        response.backend = name
        response.intentions = analysis.ranked.top(input.count).map { entry in
            let fit = analysis.scores.first { $0.kind == entry.kind }?.fit
            let text = writer.write(kind: entry.kind, object: analysis.description, fit: fit, caption: input.caption, dragDirection: drag)
            var intention = Lucid_V1_Intention()
            intention.kind = entry.kind
            intention.confidence = Float(entry.confidence)
            intention.sourcePrompt = text.source
            intention.targetPrompt = text.target
            intention.description_p = text.description
            intention.warp = warp(of: entry.kind, in: analysis)
            return intention
        }
        return response
    }

    /// The kind's transform fitted to the drag about the object's centre, as `Intention.warp`
    /// (empty for deform).
    public func warp(of kind: Lucid_V1_IntentionKind, in analysis: Analysis) -> [Float] {
        analysis.scores.first { $0.kind == kind }?.fit?.warp(about: analysis.centre).map { $0.map(Float.init) } ?? []
    }
}

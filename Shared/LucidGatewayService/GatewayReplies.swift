/// GatewayReplies: the progress messages and ranked edits Gateway.Edit streams, built from what the
/// reasoner and the samplers answered.
import LucidBus
import LucidProto

extension Lucid_V1_GatewayEditReply {
    /// A progress reply of `stage`, filled in by `fill`.
    static func progress(_ stage: GatewayStage, _ fill: (inout Lucid_V1_GatewayProgress) -> Void = { _ in }) -> Self {
        var progress = Lucid_V1_GatewayProgress()
        progress.stage = stage.rawValue
        fill(&progress)
        var reply = Self()
        reply.progress = progress
        return reply
    }

    /// "intentions": what will be edited, best first, and whether the reasoner fell back.
    static func intentions(_ intentions: [Lucid_V1_Intention], fellBack: Bool) -> Self {
        progress(.intentions) {
            $0.intentions = intentions
            $0.fellBack = fellBack
        }
    }

    /// "edit": a sampler's progress on intention `index`.
    static func edit(index: Int, _ sampler: Lucid_V1_EditProgress) -> Self {
        progress(.edit) {
            $0.intentionIndex = UInt32(index)
            $0.step = sampler.step
            $0.totalSteps = sampler.totalSteps
            $0.message = sampler.stage
            if sampler.hasPreview { $0.preview = sampler.preview }
        }
    }

    /// "edited": intention `index` finished (or failed) as `edit`.
    static func edited(index: Int, _ edit: Lucid_V1_RankedEdit) -> Self {
        progress(.edited) {
            $0.intentionIndex = UInt32(index)
            $0.edit = edit
        }
    }
}

extension Lucid_V1_RankedEdit {
    /// A finished edit: the sampler's image and quality logit up front, the rest of its result in
    /// `details` (without the image, which is not sent twice).
    init(rank: Int, intention: Lucid_V1_Intention, result: Lucid_V1_EditResult) {
        self.init()
        self.rank = UInt32(rank)
        self.intention = intention
        image = result.image
        qualityLogit = result.qualityLogit
        var details = result
        details.clearImage()
        self.details = details
        workerID = result.workerID
    }

    /// A failed edit: its intention and why it failed.
    init(rank: Int, intention: Lucid_V1_Intention, failure: RPCError) {
        self.init()
        self.rank = UInt32(rank)
        self.intention = intention
        status.code = failure.code
        status.message = failure.message
    }

    /// Whether the edit has an image (a failed one carries a non-OK status instead).
    public var succeeded: Bool { status.code == .ok }
}

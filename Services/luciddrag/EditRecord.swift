// edit.json: what one drag edit was asked and what came back — inputs, seed, intentions, and per edit
// its file, status, quality, worker and stage timings — next to the images it describes.
import Foundation
import LucidBus
import LucidProto
import LucidReasoning

/// The contents of `edit.json` (keys in snake_case).
struct EditRecord: Encodable {
    struct Inputs: Encodable {
        let image: String
        let mask: String
        /// Each drag as [handle x, handle y, target x, target y].
        let drags: [[Float]]
        let caption: String
        let numIntentions: UInt32
        let steps: UInt32?
    }

    struct Intention: Encodable {
        let kind: String
        let confidence: Float
        let description: String
        let sourcePrompt: String
        let targetPrompt: String
    }

    struct Status: Encodable {
        let code: String
        let message: String
    }

    struct Stages: Encodable {
        let encode: Double
        let invert: Double
        let sample: Double
        let decode: Double
    }

    struct Edit: Encodable {
        let rank: UInt32
        let kind: String
        /// The image's file name in the output folder; nil when the edit failed.
        let file: String?
        let status: Status
        /// The discriminator's logit on the result; nil when it was not scored.
        let qualityLogit: Float?
        /// What the sampler reported; nil when the edit failed.
        let details: Details?
    }

    struct Details: Encodable {
        let worker: String
        let seconds: Double
        let stages: Stages
        let inversionCached: Bool
        let seed: UInt64
        let workingSize: [UInt32]
        let qualityGuidanceApplied: Bool
        let model: String
        let note: String
    }

    struct Timings: Encodable {
        /// The gateway's own measure of the request.
        let gatewaySeconds: Double
        /// From sending the request to receiving the result, measured here.
        let clientSeconds: Double
    }

    let inputs: Inputs
    let seed: UInt64
    let regionDescription: String
    let reasonerBackend: String
    let fellBack: Bool
    let fallbackReason: String
    let intentions: [Intention]
    let edits: [Edit]
    let sheet: String
    let timings: Timings

    init(request: Lucid_V1_GatewayEditRequest, inputs: EditInputs, result: Lucid_V1_GatewayEditResult,
         files: [UInt32: String], sheet: String, clientSeconds: Double) {
        self.inputs = Inputs(
            image: inputs.imagePath, mask: inputs.maskPath,
            drags: request.pairs.map { [$0.handle.x, $0.handle.y, $0.target.x, $0.target.y] },
            caption: request.caption, numIntentions: request.numIntentions,
            steps: request.options.hasSteps ? request.options.steps : nil)
        seed = result.seed
        regionDescription = result.regionDescription
        reasonerBackend = result.reasonerBackend
        fellBack = result.fellBack
        fallbackReason = result.fallbackReason
        intentions = result.edits.map {
            Intention(kind: $0.intention.kind.wireName, confidence: $0.intention.confidence, description: $0.intention.description_p,
                      sourcePrompt: $0.intention.sourcePrompt, targetPrompt: $0.intention.targetPrompt)
        }
        edits = result.edits.map { edit in
            let details = edit.details
            return Edit(
                rank: edit.rank, kind: edit.intention.kind.wireName, file: files[edit.rank],
                status: Status(code: edit.status.code.name, message: edit.status.message),
                qualityLogit: edit.succeeded && edit.qualityLogit.isFinite ? edit.qualityLogit : nil,
                details: !edit.succeeded ? nil : Details(
                    worker: edit.workerID, seconds: details.seconds,
                    stages: Stages(encode: details.stages.encode, invert: details.stages.invert,
                                   sample: details.stages.sample, decode: details.stages.decode),
                    inversionCached: details.inversionCached, seed: details.seed,
                    workingSize: [details.workingWidth, details.workingHeight],
                    qualityGuidanceApplied: details.qualityGuidanceApplied, model: details.model, note: details.note))
        }
        self.sheet = sheet
        timings = Timings(gatewaySeconds: result.seconds, clientSeconds: clientSeconds)
    }

    /// The record as pretty-printed JSON.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

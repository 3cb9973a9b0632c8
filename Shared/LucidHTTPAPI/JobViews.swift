/// JobViews: the JSON the HTTP API answers about edit jobs — the job, its intentions, progress and
/// finished edits — built from the contract's messages.
import Foundation
import LucidProto

/// Where a job is.
enum JobStatus: String, Codable, Sendable {
    case queued, running, done, failed, cancelled

    /// Whether the job is still to finish.
    var isActive: Bool { self == .queued || self == .running }
}

/// One intention, best first: `index` is what progress and edits refer to.
struct IntentionView: Encodable, Sendable {
    let index: Int
    let kind: String
    let description: String
    let sourcePrompt: String
    let targetPrompt: String
    let confidence: Float

    init(index: Int, _ intention: Lucid_V1_Intention) {
        self.index = index
        kind = intention.kind.name
        description = intention.description_p
        sourcePrompt = intention.sourcePrompt
        targetPrompt = intention.targetPrompt
        confidence = intention.confidence
    }
}

/// Where the edit of one intention is: the sampler's stage, its step of total, and the latest
/// preview of the result (a PNG data URL) when the sampler sent one with this step.
struct ProgressView: Encodable, Sendable {
    let intention: Int
    let stage: String
    let step: UInt32
    let total: UInt32
    let preview: String?
}

/// One finished (or failed) edit, with the URL of its image.
struct EditView: Encodable, Sendable {
    let rank: UInt32
    let intention: Int
    let kind: String
    let description: String
    let confidence: Float
    /// The discriminator's logit; null when the edit was not scored.
    let qualityLogit: Float?
    /// The image, for an edit that succeeded.
    let url: String?
    let error: ErrorBody?
    let note: String?

    init(jobID: String, _ edit: Lucid_V1_RankedEdit) {
        rank = edit.rank
        intention = Int(edit.rank) - 1
        kind = edit.intention.kind.name
        description = edit.intention.description_p
        confidence = edit.intention.confidence
        let succeeded = edit.status.code == .ok
        qualityLogit = succeeded && edit.qualityLogit.isFinite ? edit.qualityLogit : nil
        url = succeeded ? "/v1/edits/\(jobID)/results/\(edit.rank).png" : nil
        error = succeeded ? nil : ErrorBody(code: edit.status.code.name, message: edit.status.message)
        note = edit.details.note.isEmpty ? nil : edit.details.note
    }
}

/// `GET /v1/edits/{id}`.
struct JobView: Encodable, Sendable {
    let id: String
    let status: JobStatus
    /// The seed every intention used: the request's, or the one the gateway drew (known when done).
    let seed: UInt64?
    let intentions: [IntentionView]
    let progress: [ProgressView]
    let edits: [EditView]
    let error: ErrorBody?
    let regionDescription: String?
    let reasonerBackend: String?
    let fellBack: Bool
    let seconds: Double?
}

extension Lucid_V1_IntentionKind {
    /// The kind's name in common.proto, e.g. "ENLARGE".
    var name: String {
        switch self {
        case .unspecified: "INTENTION_KIND_UNSPECIFIED"
        case .move: "MOVE"
        case .enlarge: "ENLARGE"
        case .shrink: "SHRINK"
        case .stretchHorizontal: "STRETCH_HORIZONTAL"
        case .stretchVertical: "STRETCH_VERTICAL"
        case .rotate: "ROTATE"
        case .deform: "DEFORM"
        case .UNRECOGNIZED(let value): "\(value)"
        }
    }
}

/// ReasonView: `POST /v1/reason` — the reasoner's intentions for a drag, best first, in JSON.
import LucidProto

struct ReasonView: Encodable, Sendable {
    let intentions: [IntentionView]
    let regionDescription: String
    let backend: String
    let fellBack: Bool
    let fallbackReason: String?

    init(_ answer: Lucid_V1_ReasonResponse) {
        intentions = answer.intentions.enumerated().map { IntentionView(index: $0, $1) }
        regionDescription = answer.regionDescription
        backend = answer.backend
        fellBack = answer.fellBack
        fallbackReason = answer.fallbackReason.isEmpty ? nil : answer.fallbackReason
    }
}

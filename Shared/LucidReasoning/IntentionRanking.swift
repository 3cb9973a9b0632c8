/// IntentionRanking: turning per-kind scores or raw confidences into the contract's ranked answer.
import Foundation
import LucidProto

/// Ranked kinds with confidences that sum to 1.
public struct RankedKinds: Sendable, Equatable {
    public let entries: [(kind: Lucid_V1_IntentionKind, confidence: Double)]

    public static func == (a: RankedKinds, b: RankedKinds) -> Bool {
        a.entries.map(\.kind) == b.entries.map(\.kind) && a.entries.map(\.confidence) == b.entries.map(\.confidence)
    }

    /// Softmax of `scores / temperature` over all kinds, best first (ties broken by the contract order).
    public init(softmaxOf scores: [Lucid_V1_IntentionKind: Double], temperature: Double) {
        let kinds = Lucid_V1_IntentionKind.reasoned.filter { scores[$0] != nil }
        let top = kinds.map { scores[$0]! / temperature }.max() ?? 0
        let weights = kinds.map { exp(scores[$0]! / temperature - top) }
        let total = weights.reduce(0, +)
        self.init(sorting: zip(kinds, weights.map { $0 / total }).map { ($0, $1) })
    }

    /// The given confidences, best first.
    public init(sorting entries: [(kind: Lucid_V1_IntentionKind, confidence: Double)]) {
        let order = Lucid_V1_IntentionKind.reasoned
        self.entries = entries.sorted {
            $0.confidence != $1.confidence ? $0.confidence > $1.confidence
                : (order.firstIndex(of: $0.kind) ?? 0) < (order.firstIndex(of: $1.kind) ?? 0)
        }
    }

    /// The best `count` kinds, renormalised to sum to 1.
    public func top(_ count: Int) -> [(kind: Lucid_V1_IntentionKind, confidence: Double)] {
        let kept = Array(entries.prefix(count))
        let total = kept.map(\.confidence).reduce(0, +)
        guard total > 0 else { return kept.map { ($0.kind, 1.0 / Double(kept.count)) } }
        return kept.map { ($0.kind, $0.confidence / total) }
    }
}

/// IntentionOrder: intentions as the gateway edits and ranks them — confidences summing to 1, best first.
import LucidProto

extension Array where Element == Lucid_V1_Intention {
    /// The intentions with their confidences rescaled to sum to 1 (equal shares when they are all
    /// 0), sorted by confidence, best first; equal confidences keep their order.
    func rankedByConfidence() -> [Lucid_V1_Intention] {
        guard !isEmpty else { return self }
        let total = map(\.confidence).reduce(0, +)
        var normalised = self
        if total == 0 {
            for index in normalised.indices { normalised[index].confidence = 1 / Float(count) }
        } else if abs(total - 1) > 1e-4 {
            for index in normalised.indices { normalised[index].confidence /= total }
        }
        return normalised.enumerated()
            .sorted { $0.element.confidence != $1.element.confidence ? $0.element.confidence > $1.element.confidence : $0.offset < $1.offset }
            .map(\.element)
    }
}

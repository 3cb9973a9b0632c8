/// IntentionAnswer: the JSON schema the reasoner model must answer with, and the validation of its
/// answer — known kinds, each at most once, non-empty prompts, confidences in [0, 1] renormalised to
/// sum to 1, best first, at most the requested count.
import Foundation
import LucidProto

/// Parses and validates a model's intentions.
public enum IntentionAnswer {
    /// The `response_format` for a JSON-schema-constrained answer.
    public static func responseFormat(count: Int) -> [String: Any] {
        let intention: [String: Any] = [
            "type": "object",
            "additionalProperties": false,
            "required": ["kind", "source_prompt", "target_prompt", "confidence", "description"],
            "properties": [
                "kind": ["type": "string", "enum": Lucid_V1_IntentionKind.reasoned.map(\.wireName)],
                "source_prompt": ["type": "string"],
                "target_prompt": ["type": "string"],
                "confidence": ["type": "number", "minimum": 0, "maximum": 1],
                "description": ["type": "string"],
            ],
        ]
        let schema: [String: Any] = [
            "type": "object",
            "additionalProperties": false,
            "required": ["intentions"],
            "properties": ["intentions": ["type": "array", "items": intention, "minItems": 1, "maxItems": count]],
        ]
        return ["type": "json_schema", "json_schema": ["name": "intentions", "strict": true, "schema": schema]]
    }

    /// The validated intentions in `content` (best first, confidences summing to 1, at most `count`).
    public static func parse(_ content: String, count: Int) throws -> [Lucid_V1_Intention] {
        guard let data = extractJSON(content).data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) else {
            throw ChatCompletionError.invalidAnswer("not JSON")
        }
        guard let root = object as? [String: Any], let items = root["intentions"] as? [Any] else {
            throw ChatCompletionError.invalidAnswer("no \"intentions\" array")
        }
        guard !items.isEmpty else { throw ChatCompletionError.invalidAnswer("no intentions") }
        var seen = Set<Int>()
        var intentions = [Lucid_V1_Intention]()
        for (index, item) in items.enumerated() {
            guard let fields = item as? [String: Any] else { throw ChatCompletionError.invalidAnswer("intention \(index) is not an object") }
            guard let kindName = fields["kind"] as? String, let kind = Lucid_V1_IntentionKind(wireName: kindName) else {
                throw ChatCompletionError.invalidAnswer("intention \(index) has an unknown kind \(String(describing: fields["kind"] ?? "nil"))")
            }
            guard let confidence = (fields["confidence"] as? NSNumber)?.doubleValue, confidence.isFinite, (0...1).contains(confidence) else {
                throw ChatCompletionError.invalidAnswer("intention \(index) needs a confidence between 0 and 1")
            }
            func text(_ key: String) throws -> String {
                guard let value = (fields[key] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                    throw ChatCompletionError.invalidAnswer("intention \(index) has no \(key)")
                }
                return value
            }
            guard seen.insert(kind.rawValue).inserted else { continue }  // a repeated kind adds nothing
            var intention = Lucid_V1_Intention()
            intention.kind = kind
            intention.sourcePrompt = try text("source_prompt")
            intention.targetPrompt = try text("target_prompt")
            intention.description_p = try text("description")
            intention.confidence = Float(confidence)
            intentions.append(intention)
        }
        intentions.sort { $0.confidence > $1.confidence }
        intentions = Array(intentions.prefix(count))
        let total = intentions.map { Double($0.confidence) }.reduce(0, +)
        for i in intentions.indices {
            intentions[i].confidence = total > 0 ? Float(Double(intentions[i].confidence) / total) : Float(1 / Double(intentions.count))
        }
        return intentions
    }

    /// The JSON object in a reply that may wrap it in a Markdown code fence or prose.
    static func extractJSON(_ content: String) -> String {
        guard let start = content.firstIndex(of: "{"), let end = content.lastIndex(of: "}"), start < end else { return content }
        return String(content[start...end])
    }
}

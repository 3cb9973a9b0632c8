/// OpenAIConfiguration: where and how the OpenAI-compatible backend talks to a chat-completions server
/// (llama.cpp's `llama-server`, vLLM, Ollama, or a hosted API).
import Foundation

/// Settings of the OpenAI-compatible backend. The API key is never part of `description`.
public struct OpenAIConfiguration: Sendable, CustomStringConvertible {
    /// The API root that `/chat/completions` is appended to, e.g. `http://127.0.0.1:8080/v1`.
    public var baseURL: URL
    /// The chat model that proposes intentions.
    public var reasonerModel: String
    /// The vision chat model that names the object under the handles; nil uses the built-in locator.
    public var locatorModel: String?
    /// Seconds one HTTP request may take.
    public var timeout: Double = 30
    /// Attempts per call (1 = no retry); only transient failures (timeouts, refused connections, HTTP
    /// 429/5xx, unusable answers) are retried.
    public var maxAttempts = 3
    /// Delay before the first retry, doubled for each further one.
    public var initialBackoff: Double = 0.5
    /// Ask for a JSON-schema-constrained answer (`response_format: json_schema`); when false, only
    /// `json_object` is requested (for servers without schema support).
    public var useJSONSchema = true
    /// Sampling temperature sent to the server.
    public var samplingTemperature = 0.2
    /// A folder with `locator.md` and `reasoner.md` to use instead of the shipped prompts.
    public var promptsDirectory: URL?
    /// The bearer token, if the server needs one.
    public var apiKey: String?

    /// The environment variable the API key is read from.
    public static let apiKeyVariable = "LUCID_OPENAI_API_KEY"

    public init(baseURL: URL, reasonerModel: String, locatorModel: String? = nil) {
        self.baseURL = baseURL
        self.reasonerModel = reasonerModel
        self.locatorModel = locatorModel
    }

    /// The API key from `file` (first line, trimmed) if given, else from `LUCID_OPENAI_API_KEY`, else nil.
    public static func loadAPIKey(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ReasoningError.invalidArgument("cannot read the API key file \(file)")
            }
            let key = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            return key.isEmpty ? nil : key
        }
        let key = environment[apiKeyVariable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return key.isEmpty ? nil : key
    }

    public var description: String {
        "openai(base: \(baseURL.absoluteString), reasoner: \(reasonerModel), locator: \(locatorModel ?? "built-in"), "
            + "timeout: \(timeout)s, attempts: \(maxAttempts), key: \(apiKey == nil ? "none" : "set"))"
    }
}

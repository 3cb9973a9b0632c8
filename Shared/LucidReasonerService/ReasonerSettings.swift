/// ReasonerSettings: which backend the reasoner service uses and how, resolved from flags, then
/// environment variables, then a JSON config file, then defaults.
import Foundation
import Logging
import LucidReasoning

/// The reasoner's backend settings.
public struct ReasonerSettings: Sendable, Equatable {
    /// The backends a reasoner can be configured with.
    public enum Backend: String, Sendable, CaseIterable {
        case builtin, openai
    }

    public var backend: Backend = .builtin
    /// OpenAI-compatible server: API root, chat model, vision model (nil = built-in locator).
    public var baseURL = "http://127.0.0.1:8080/v1"
    public var model = "default"
    public var visionModel: String?
    public var timeoutSeconds = 30.0
    public var maxAttempts = 3
    public var jsonSchema = true
    /// A folder with `locator.md` and `reasoner.md` replacing the shipped prompts.
    public var promptsDirectory: String?
    /// A file whose first line is the API key (else `LUCID_OPENAI_API_KEY`).
    public var apiKeyFile: String?
    /// Whether a failing OpenAI backend falls back to the built-in one.
    public var fallback = true

    public init() {}

    /// The environment variables that stand in for flags.
    public enum Environment {
        public static let config = "LUCID_REASONER_CONFIG"
        public static let backend = "LUCID_REASONER_BACKEND"
        public static let baseURL = "LUCID_OPENAI_BASE_URL"
        public static let model = "LUCID_OPENAI_MODEL"
        public static let visionModel = "LUCID_OPENAI_VISION_MODEL"
        public static let timeout = "LUCID_OPENAI_TIMEOUT"
        public static let attempts = "LUCID_OPENAI_ATTEMPTS"
        public static let jsonSchema = "LUCID_OPENAI_JSON_SCHEMA"
        public static let prompts = "LUCID_REASONER_PROMPTS"
        public static let apiKeyFile = "LUCID_OPENAI_API_KEY_FILE"
        public static let fallback = "LUCID_REASONER_FALLBACK"
    }

    /// Applies a JSON config file: {"backend", "base_url", "model", "vision_model", "timeout_seconds",
    /// "max_attempts", "json_schema", "prompts", "api_key_file", "fallback"} (all optional).
    public mutating func apply(configFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReasonerSettingsError("cannot read the reasoner config file \(path)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ReasonerSettingsError("the reasoner config file \(path) is not a JSON object")
        }
        let known: Set = ["backend", "base_url", "model", "vision_model", "timeout_seconds", "max_attempts",
                          "json_schema", "prompts", "api_key_file", "fallback"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw ReasonerSettingsError("unknown key \"\(unknown)\" in \(path); known: \(known.sorted().joined(separator: ", "))")
        }
        func string(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value as? String else { throw ReasonerSettingsError("\"\(key)\" in \(path) must be a string") }
            return text
        }
        func number(_ key: String) throws -> Double? {
            guard let value = object[key] else { return nil }
            guard let n = value as? NSNumber, !(value is Bool) else { throw ReasonerSettingsError("\"\(key)\" in \(path) must be a number") }
            return n.doubleValue
        }
        func flag(_ key: String) throws -> Bool? {
            guard let value = object[key] else { return nil }
            guard let b = value as? Bool else { throw ReasonerSettingsError("\"\(key)\" in \(path) must be true or false") }
            return b
        }
        if let text = try string("backend") { backend = try Self.backend(text) }
        if let text = try string("base_url") { baseURL = text }
        if let text = try string("model") { model = text }
        if let text = try string("vision_model") { visionModel = text }
        if let value = try number("timeout_seconds") { timeoutSeconds = try Self.positive(value, "timeout_seconds") }
        if let value = try number("max_attempts") { maxAttempts = Int(try Self.positive(value, "max_attempts")) }
        if let value = try flag("json_schema") { jsonSchema = value }
        if let text = try string("prompts") { promptsDirectory = text }
        if let text = try string("api_key_file") { apiKeyFile = text }
        if let value = try flag("fallback") { fallback = value }
    }

    /// Applies the environment variables that are set.
    public mutating func apply(environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let text = value(Environment.backend) { backend = try Self.backend(text) }
        if let text = value(Environment.baseURL) { baseURL = text }
        if let text = value(Environment.model) { model = text }
        if let text = value(Environment.visionModel) { visionModel = text }
        if let text = value(Environment.timeout) {
            guard let seconds = Double(text) else { throw ReasonerSettingsError("\(Environment.timeout) must be a number of seconds, got '\(text)'") }
            timeoutSeconds = try Self.positive(seconds, Environment.timeout)
        }
        if let text = value(Environment.attempts) {
            guard let attempts = Int(text) else { throw ReasonerSettingsError("\(Environment.attempts) must be an integer, got '\(text)'") }
            maxAttempts = Int(try Self.positive(Double(attempts), Environment.attempts))
        }
        if let text = value(Environment.jsonSchema) { jsonSchema = try Self.boolean(text, Environment.jsonSchema) }
        if let text = value(Environment.prompts) { promptsDirectory = text }
        if let text = value(Environment.apiKeyFile) { apiKeyFile = text }
        if let text = value(Environment.fallback) { fallback = try Self.boolean(text, Environment.fallback) }
    }

    /// The backend these settings describe; the OpenAI one wrapped in a fallback to the built-in one when
    /// `fallback` is on.
    public func makeBackend(environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger) throws -> any ReasonerBackend {
        switch backend {
        case .builtin:
            return BuiltinBackend()
        case .openai:
            guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https" else {
                throw ReasonerSettingsError("the OpenAI base URL '\(baseURL)' is not an http(s) URL")
            }
            var configuration = OpenAIConfiguration(baseURL: url, reasonerModel: model, locatorModel: visionModel)
            configuration.timeout = timeoutSeconds
            configuration.maxAttempts = maxAttempts
            configuration.useJSONSchema = jsonSchema
            configuration.promptsDirectory = promptsDirectory.map { URL(fileURLWithPath: $0) }
            configuration.apiKey = try OpenAIConfiguration.loadAPIKey(file: apiKeyFile, environment: environment)
            let openai = try OpenAIBackend(configuration: configuration, logger: logger)
            logger.info("reasoner backend", metadata: ["backend": "\(configuration)", "fallback": "\(fallback)"])
            return fallback ? FallbackBackend(primary: openai, fallback: BuiltinBackend(), logger: logger) : openai
        }
    }

    static func backend(_ text: String) throws -> Backend {
        guard let backend = Backend(rawValue: text.lowercased()) else {
            throw ReasonerSettingsError("unknown reasoner backend '\(text)'; use \(Backend.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        return backend
    }

    static func positive(_ value: Double, _ name: String) throws -> Double {
        guard value > 0, value.isFinite else { throw ReasonerSettingsError("\(name) must be positive, got \(value)") }
        return value
    }

    static func boolean(_ text: String, _ name: String) throws -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ReasonerSettingsError("\(name) must be true or false, got '\(text)'")
        }
    }
}

/// A reasoner setting that could not be understood.
public struct ReasonerSettingsError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

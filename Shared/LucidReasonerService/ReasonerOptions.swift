/// ReasonerOptions: the `luciddrag-reasoner` flags — the shared service flags plus the backend's.
import ArgumentParser
import Foundation
import LucidService

/// Flags of the reasoner executable; each backend flag has an environment twin (ReasonerSettings.Environment).
public struct ReasonerOptions: ParsableArguments {
    @OptionGroup public var service: ServiceOptions

    @Option(help: "JSON file of reasoner settings (flags and environment win). Env: LUCID_REASONER_CONFIG.")
    public var config: String?

    @Option(help: "builtin or openai. Env: LUCID_REASONER_BACKEND. Default: builtin.")
    public var backend: String?

    @Option(help: "OpenAI-compatible API root, e.g. http://127.0.0.1:8080/v1. Env: LUCID_OPENAI_BASE_URL.")
    public var openaiBaseURL: String?

    @Option(help: "Chat model for the reasoner. Env: LUCID_OPENAI_MODEL.")
    public var openaiModel: String?

    @Option(help: "Vision chat model for the locator (default: the built-in locator). Env: LUCID_OPENAI_VISION_MODEL.")
    public var openaiVisionModel: String?

    @Option(help: "Seconds per HTTP request. Env: LUCID_OPENAI_TIMEOUT. Default: 30.")
    public var openaiTimeout: Double?

    @Option(help: "Attempts per call, retries included. Env: LUCID_OPENAI_ATTEMPTS. Default: 3.")
    public var openaiAttempts: Int?

    @Option(help: "File whose first line is the API key (else LUCID_OPENAI_API_KEY). Env: LUCID_OPENAI_API_KEY_FILE.")
    public var apiKeyFile: String?

    @Option(help: "Folder with locator.md and reasoner.md replacing the shipped prompts. Env: LUCID_REASONER_PROMPTS.")
    public var prompts: String?

    @Flag(inversion: .prefixedNo, help: "Fall back to the built-in backend when the OpenAI one fails. Env: LUCID_REASONER_FALLBACK. Default: on.")
    public var fallback: Bool?

    @Flag(help: "Ask only for a JSON object, not a JSON-schema-constrained answer (servers without schema support).")
    public var jsonObjectOnly = false

    public init() {}

    /// Config file, then environment, then these flags.
    public func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ReasonerSettings {
        var settings = ReasonerSettings()
        if let file = config ?? environment[ReasonerSettings.Environment.config].flatMap({ $0.isEmpty ? nil : $0 }) {
            try settings.apply(configFile: file)
        }
        try settings.apply(environment: environment)
        if let backend { settings.backend = try ReasonerSettings.backend(backend) }
        if let openaiBaseURL { settings.baseURL = openaiBaseURL }
        if let openaiModel { settings.model = openaiModel }
        if let openaiVisionModel { settings.visionModel = openaiVisionModel }
        if let openaiTimeout { settings.timeoutSeconds = try ReasonerSettings.positive(openaiTimeout, "--openai-timeout") }
        if let openaiAttempts { settings.maxAttempts = Int(try ReasonerSettings.positive(Double(openaiAttempts), "--openai-attempts")) }
        if let apiKeyFile { settings.apiKeyFile = apiKeyFile }
        if let prompts { settings.promptsDirectory = prompts }
        if let fallback { settings.fallback = fallback }
        if jsonObjectOnly { settings.jsonSchema = false }
        return settings
    }
}

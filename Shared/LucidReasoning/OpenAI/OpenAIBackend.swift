/// OpenAIBackend: the locator and reasoner as calls to an OpenAI-compatible chat server — a vision model
/// names the object under the marked handles, a chat model proposes intentions as JSON constrained by a
/// schema; answers are validated, and failures surface as `backendFailed` (for FallbackBackend).
import Foundation
import LucidImage
import LucidProto
import Logging

/// Reasons with language models behind an OpenAI-compatible API.
public struct OpenAIBackend: ReasonerBackend {
    public let configuration: OpenAIConfiguration
    public let prompts: PromptTemplates
    private let client: ChatCompletionClient
    private let geometry: BuiltinBackend
    private let marker = HandleMarker()

    /// A backend for `configuration`; throws when the prompt files cannot be read.
    public init(configuration: OpenAIConfiguration, logger: Logger = Logger(label: "lucid.reasoner.openai")) throws {
        self.configuration = configuration
        self.prompts = try PromptTemplates.load(from: configuration.promptsDirectory)
        self.client = ChatCompletionClient(configuration: configuration, logger: logger)
        self.geometry = BuiltinBackend()
    }

    public var name: String { "openai" }

    public func reason(_ input: ReasoningInput) async throws -> Lucid_V1_ReasonResponse {
        let analysis = geometry.analyse(input)
        do {
            let region = try await locate(input, fallback: analysis.description.definitePhrase)
            var intentions = try await proposeIntentions(input, analysis: analysis, region: region)
            // The chat model names kinds; their geometry is the built-in fit's (the sampler's warped start).
            for i in intentions.indices {
                intentions[i].warp = geometry.warp(of: intentions[i].kind, in: analysis)
            }
            var response = Lucid_V1_ReasonResponse()
            response.intentions = intentions
            response.regionDescription = region
            response.backend = name
            return response
        } catch let error as ChatCompletionError {
            throw ReasoningError.backendFailed(backend: name, reason: error.description)
        } catch let error as ReasoningError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ReasoningError.backendFailed(backend: name, reason: "\(error)")
        }
    }

    /// The vision model's phrase for the object under the handles, or the built-in one without a locator model.
    func locate(_ input: ReasoningInput, fallback: String) async throws -> String {
        guard let model = configuration.locatorModel else { return fallback }
        let (picture, markerName) = try marker.mark(input)
        let png = try PNGCodec.encode(picture)
        let prompt = PromptTemplates.fill(prompts.locator, ["marker": markerName])
        let imagePart: [String: Any] = ["type": "image_url", "image_url": ["url": "data:image/png;base64,\(png.base64EncodedString())"]]
        let textPart: [String: Any] = ["type": "text", "text": prompt]
        let message: [String: Any] = ["role": "user", "content": [textPart, imagePart]]
        let body: [String: Any] = ["temperature": configuration.samplingTemperature, "max_tokens": 48, "messages": [message]]
        return try await client.complete(model: model, body: body) { (content: String) throws -> String in
            let phrase = content.trimmingCharacters(in: .whitespacesAndNewlines)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"'`.")).trimmingCharacters(in: .whitespaces)
            guard !phrase.isEmpty, phrase.count <= 120, !phrase.contains("\n") else {
                throw ChatCompletionError.invalidAnswer("the locator did not answer with a short phrase")
            }
            return phrase
        }
    }

    /// The chat model's intentions, validated.
    func proposeIntentions(_ input: ReasoningInput, analysis: BuiltinBackend.Analysis, region: String) async throws -> [Lucid_V1_Intention] {
        let values = [
            "count": String(input.count),
            "width": String(input.image.width),
            "height": String(input.image.height),
            "caption": input.caption.isEmpty ? "(none)" : input.caption,
            "region": region,
            "centre_x": String(format: "%.1f", analysis.centre.x),
            "centre_y": String(format: "%.1f", analysis.centre.y),
            "radius": String(format: "%.1f", analysis.description.radius),
            "drags": DragNarration.lines(pairs: input.pairs, region: analysis.region).joined(separator: "\n"),
            "kinds": Lucid_V1_IntentionKind.reasoned.map(\.wireName).joined(separator: ", "),
        ]
        let message: [String: Any] = ["role": "user", "content": PromptTemplates.fill(prompts.reasoner, values)]
        let format: [String: Any] = configuration.useJSONSchema ? IntentionAnswer.responseFormat(count: input.count) : ["type": "json_object"]
        let body: [String: Any] = ["temperature": configuration.samplingTemperature, "messages": [message], "response_format": format]
        return try await client.complete(model: configuration.reasonerModel, body: body) { (content: String) throws -> [Lucid_V1_Intention] in
            try IntentionAnswer.parse(content, count: input.count)
        }
    }
}

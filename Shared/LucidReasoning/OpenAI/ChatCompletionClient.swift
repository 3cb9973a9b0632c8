/// ChatCompletionClient: one POST to `/chat/completions` with a timeout and bounded retries with
/// exponential backoff; returns the first choice's message content.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// Why a chat completion failed.
public enum ChatCompletionError: Error, Equatable, CustomStringConvertible, Sendable {
    case timedOut
    case unreachable(String)
    case http(status: Int, body: String)
    case malformedResponse(String)
    case invalidAnswer(String)

    /// Whether a later attempt may succeed.
    var isTransient: Bool {
        switch self {
        case .timedOut, .unreachable, .malformedResponse, .invalidAnswer: return true
        case .http(let status, _): return status == 429 || status >= 500
        }
    }

    public var description: String {
        switch self {
        case .timedOut: return "the server did not answer in time"
        case .unreachable(let reason): return "the server cannot be reached (\(reason))"
        case .http(let status, let body): return "HTTP \(status)\(body.isEmpty ? "" : ": \(body)")"
        case .malformedResponse(let reason): return "the response is not a chat completion (\(reason))"
        case .invalidAnswer(let reason): return "the model's answer is unusable (\(reason))"
        }
    }
}

/// A minimal OpenAI chat-completions client over URLSession.
public struct ChatCompletionClient: Sendable {
    public let configuration: OpenAIConfiguration
    private let session: URLSession
    private let logger: Logger

    public init(configuration: OpenAIConfiguration, logger: Logger = Logger(label: "lucid.reasoner.openai")) {
        self.configuration = configuration
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout
        sessionConfiguration.timeoutIntervalForResource = configuration.timeout
        self.session = URLSession(configuration: sessionConfiguration)
        self.logger = logger
    }

    /// Sends `body` (a chat-completions request without `model`) for `model`, and hands the content of
    /// the first choice to `accept`, which throws `.invalidAnswer` to ask for another attempt.
    public func complete<Answer>(model: String, body: [String: Any], accept: (String) throws -> Answer) async throws -> Answer {
        var payload = body
        payload["model"] = model
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: payload)
        } catch {
            throw ChatCompletionError.malformedResponse("cannot encode the request: \(error)")
        }
        var lastError = ChatCompletionError.unreachable("no attempt made")
        for attempt in 1...max(1, configuration.maxAttempts) {
            if attempt > 1 {
                let delay = configuration.initialBackoff * pow(2, Double(attempt - 2))
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            }
            do {
                let content = try await post(data)
                do {
                    return try accept(content)
                } catch let error as ChatCompletionError {
                    throw error
                } catch {
                    throw ChatCompletionError.invalidAnswer("\(error)")
                }
            } catch let error as ChatCompletionError {
                lastError = error
                logger.info("chat completion attempt failed",
                            metadata: ["attempt": "\(attempt)", "model": "\(model)", "error": "\(error)"])
                if !error.isTransient { break }
            }
        }
        throw lastError
    }

    private func post(_ body: Data) async throws -> String {
        var request = URLRequest(url: configuration.baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.timeoutInterval = configuration.timeout
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = configuration.apiKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError {
            if error.code == .timedOut { throw ChatCompletionError.timedOut }
            throw ChatCompletionError.unreachable(error.localizedDescription)
        } catch {
            throw ChatCompletionError.unreachable("\(error)")
        }
        guard let http = response as? HTTPURLResponse else { throw ChatCompletionError.malformedResponse("not an HTTP response") }
        guard (200..<300).contains(http.statusCode) else {
            throw ChatCompletionError.http(status: http.statusCode, body: String(decoding: data.prefix(300), as: UTF8.self))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ChatCompletionError.malformedResponse("the body is not a JSON object")
        }
        guard let choices = object["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any],
              let content = message["content"] as? String else {
            throw ChatCompletionError.malformedResponse("no choices[0].message.content")
        }
        return content
    }
}

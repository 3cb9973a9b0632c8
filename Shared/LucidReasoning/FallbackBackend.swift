/// FallbackBackend: tries a primary backend and, when it fails, answers with a fallback (the built-in
/// one) and says so in the response (method.md §1.3).
import Logging
import LucidProto

/// A backend that turns a primary's failure into the fallback's answer, marked `fell_back`.
public struct FallbackBackend: ReasonerBackend {
    public let primary: any ReasonerBackend
    public let fallback: any ReasonerBackend
    private let logger: Logger

    public init(primary: any ReasonerBackend, fallback: any ReasonerBackend, logger: Logger = Logger(label: "lucid.reasoner.fallback")) {
        self.primary = primary
        self.fallback = fallback
        self.logger = logger
    }

    public var name: String { primary.name }

    public func reason(_ input: ReasoningInput) async throws -> Lucid_V1_ReasonResponse {
        do {
            return try await primary.reason(input)
        } catch let error as ReasoningError {
            guard case .backendFailed(_, let reason) = error else { throw error }
            logger.warning("falling back to \(fallback.name)", metadata: ["backend": "\(primary.name)", "reason": "\(reason)"])
            var answer = try await fallback.reason(input)
            answer.fellBack = true
            answer.fallbackReason = "\(primary.name): \(reason)"
            return answer
        }
    }
}

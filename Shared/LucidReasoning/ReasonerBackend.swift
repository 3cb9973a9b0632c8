/// ReasonerBackend: the one seam every way of reasoning plugs into (built-in, OpenAI-compatible, …).
import LucidProto

/// Answers "what does this drag mean?" with the contract's response: `count` intentions, best first,
/// confidences summing to 1, plus the region description and the backend's name.
public protocol ReasonerBackend: Sendable {
    /// The name reported in `ReasonResponse.backend`.
    var name: String { get }

    /// Reasons about a validated input. Throws `ReasoningError.backendFailed` when no answer can be made.
    func reason(_ input: ReasoningInput) async throws -> Lucid_V1_ReasonResponse
}

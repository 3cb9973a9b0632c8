/// ReasoningError: why a Reason call failed, mapped onto the contract's status codes by the service.

/// A typed failure of the reasoner.
public enum ReasoningError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The request itself is wrong (INVALID_ARGUMENT): the message says what to fix.
    case invalidArgument(String)
    /// A backend could not produce a valid answer (UNAVAILABLE when no fallback is configured).
    case backendFailed(backend: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        case .backendFailed(let backend, let reason): return "the \(backend) backend failed: \(reason)"
        }
    }
}

// The errors the bus itself reports (as opposed to RPC status codes, see RPCError).

/// A failure to set up or use the bus.
public enum BusError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The endpoint string is not `inproc://…`, `ipc://…` or `tcp://…`, or is unusable.
    case invalidEndpoint(String, reason: String)
    /// Another live process (or component) already serves this ipc:// endpoint.
    case endpointInUse(String, owner: String)
    /// A system call failed (errno).
    case system(String, Int32)
    /// The component was shut down.
    case closed
    /// A CURVE key or key file (named by its path, empty for a key given directly) is unusable.
    case curveKey(String, reason: String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint, let reason):
            return "invalid bus endpoint \(endpoint): \(reason)"
        case .endpointInUse(let endpoint, let owner):
            return "bus endpoint \(endpoint) is already served by \(owner); stop it or choose another endpoint"
        case .system(let call, let code):
            return "\(call) failed: errno \(code)"
        case .closed:
            return "the bus component was shut down"
        case .curveKey(let path, let reason):
            return path.isEmpty ? "CURVE key: \(reason)" : "CURVE key file \(path): \(reason)"
        }
    }
}

/// What can stop the edit benchmark.

/// A failure of the edit benchmark, naming its cause.
public enum EditBenchError: Error, CustomStringConvertible {
    /// The Python side (ground-truth scorer or PyTorch twin) is missing or failed.
    case python(String)
    /// The options or the task folder cannot be used.
    case invalid(String)

    public var description: String {
        switch self {
        case .python(let message): return "python: \(message)"
        case .invalid(let message): return message
        }
    }
}

/// Errors raised by tensor operations on inputs they cannot accept.

/// A tensor operation was given inputs it cannot work with. The message names the operation and
/// the offending shapes or values.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Shapes that do not fit the operation, e.g. `linear: input [2, 5] vs weight [4, 6]`.
    case shapeMismatch(String)
    /// An argument out of range, e.g. an axis or a slice bound.
    case invalidArgument(String)
    /// A gradient was requested that the tape cannot provide.
    case gradient(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let m): return "shape mismatch: \(m)"
        case .invalidArgument(let m): return "invalid argument: \(m)"
        case .gradient(let m): return "gradient: \(m)"
        }
    }
}

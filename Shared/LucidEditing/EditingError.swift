/// What can go wrong in a drag edit, each case with a message a caller can act on.

/// A drag edit that cannot be done as asked.
public enum EditingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An option outside its range.
    case invalidOption(String)
    /// The image, mask or points do not fit together.
    case invalidInput(String)
    /// The model cannot do this edit (e.g. no decoder block with that index).
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalidOption(let message), .invalidInput(let message), .unsupported(let message): return message
        }
    }
}

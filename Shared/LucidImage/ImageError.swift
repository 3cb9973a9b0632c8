/// ImageError: why an image could not be decoded, encoded or used.

/// A typed image failure with a message a person can act on.
public enum ImageError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The bytes are not a PNG or JPEG that the codecs can read.
    case undecodable(String)
    /// Encoding failed (the codec's message).
    case unencodable(String)
    /// The image has a channel count the caller cannot use.
    case wrongChannelCount(expected: [Int], actual: Int)
    /// The image is not the size it must be (e.g. a mask that does not match its image).
    case sizeMismatch(expectedWidth: Int, expectedHeight: Int, actualWidth: Int, actualHeight: Int)
    /// Raw pixels whose byte count does not match width × height × channels.
    case pixelCountMismatch(expected: Int, actual: Int)
    /// Zero or negative width or height.
    case invalidDimensions(width: Int, height: Int)
    /// The message carries no image at all.
    case missing

    public var description: String {
        switch self {
        case .undecodable(let reason):
            return "the image cannot be decoded: \(reason)"
        case .unencodable(let reason):
            return "the image cannot be encoded: \(reason)"
        case .wrongChannelCount(let expected, let actual):
            let allowed = expected.map(String.init).joined(separator: " or ")
            return "the image has \(actual) channels, expected \(allowed)"
        case .sizeMismatch(let ew, let eh, let aw, let ah):
            return "the image is \(aw)×\(ah), expected \(ew)×\(eh)"
        case .pixelCountMismatch(let expected, let actual):
            return "the raw image has \(actual) bytes, expected \(expected) (width × height × channels)"
        case .invalidDimensions(let width, let height):
            return "the image size \(width)×\(height) is not positive"
        case .missing:
            return "no image was given"
        }
    }
}

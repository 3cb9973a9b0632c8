/// RegionDescription: the locator's words for a region — colour, shape, size and position — and the
/// phrases built from them ("the small red circle", "a small red circle").
import Foundation

/// What the built-in locator says about the object under the handles.
public struct RegionDescription: Sendable, Equatable {
    public var colour: String
    public var shape: ShapeName
    /// "small", "medium" or "large".
    public var size: String
    /// A 3×3 grid word: "top left", "top", …, "center", …, "bottom right".
    public var position: String
    /// The object's half-extent in pixels, estimated from its filled area and shape.
    public var radius: Double
    /// The image's shorter side in pixels (size words are relative to it).
    public var imageSide: Int

    /// Size-word bounds on the half-extent at a 128-pixel image side (the demo world's: small < 13 ≤ medium < 19 ≤ large).
    public static let sizeBounds = (small: 13.0, medium: 19.0)

    /// Describes a region of an image of the given size.
    public init(region: Region, shape: ShapeName, imageWidth: Int, imageHeight: Int) {
        self.colour = NamedColours.name(of: region.colour)
        self.shape = shape
        self.radius = (Double(region.filledArea) / shape.unitFilledArea).squareRoot()
        self.imageSide = min(imageWidth, imageHeight)
        self.size = RegionDescription.sizeWord(radius: radius, imageSide: imageSide)
        self.position = RegionDescription.positionWord(region.centroid, width: imageWidth, height: imageHeight)
    }

    /// "small", "medium" or "large" for a half-extent in an image whose shorter side is `imageSide`.
    public static func sizeWord(radius: Double, imageSide: Int) -> String {
        let r = radius * 128 / Double(max(imageSide, 1))
        return r < sizeBounds.small ? "small" : (r < sizeBounds.medium ? "medium" : "large")
    }

    /// Where a point lies on a 3×3 grid over the image.
    public static func positionWord(_ point: PixelPoint, width: Int, height: Int) -> String {
        let column = min(max(Int(3 * point.x / Double(width)), 0), 2)
        let row = min(max(Int(3 * point.y / Double(height)), 0), 2)
        let words = [["top", "", "bottom"][row], ["left", "", "right"][column]].filter { !$0.isEmpty }
        return words.isEmpty ? "center" : words.joined(separator: " ")
    }

    /// "red circle" (colour and shape, no size).
    public var noun: String { "\(colour) \(shape.rawValue)" }

    /// "the small red circle".
    public var definitePhrase: String { "the \(size) \(noun)" }

    /// "a small red circle" (with the right article).
    public var indefinitePhrase: String { withArticle("\(size) \(noun)") }

    /// The locator's answer: "the small red circle at the top left".
    public var sentence: String {
        position == "center" ? "\(definitePhrase) in the center" : "\(definitePhrase) at the \(position)"
    }
}

/// "a red …" / "an orange …".
func withArticle(_ words: String) -> String {
    let first = words.first.map { String($0).lowercased() } ?? ""
    return ("aeiou".contains(first) ? "an " : "a ") + words
}

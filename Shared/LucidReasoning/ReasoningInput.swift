/// ReasoningInput: a Reason request checked and decoded, ready for any backend.
import Foundation
import LucidImage
import LucidProto

/// A point in image pixels: x is the column, y the row.
public struct PixelPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public static func - (a: PixelPoint, b: PixelPoint) -> PixelPoint { PixelPoint(x: a.x - b.x, y: a.y - b.y) }
    public static func + (a: PixelPoint, b: PixelPoint) -> PixelPoint { PixelPoint(x: a.x + b.x, y: a.y + b.y) }

    /// Euclidean length as a vector.
    public var length: Double { (x * x + y * y).squareRoot() }
}

/// One drag: the content at `handle` should end up at `target`.
public struct DragPair: Sendable, Equatable {
    public var handle: PixelPoint
    public var target: PixelPoint

    public init(handle: PixelPoint, target: PixelPoint) {
        self.handle = handle
        self.target = target
    }

    /// target − handle.
    public var displacement: PixelPoint { target - handle }
}

/// A valid Reason request: an RGB image, a non-empty mask of the same size, drags inside the image.
public struct ReasoningInput: Sendable {
    public let image: RasterImage
    public let mask: BinaryMask
    public let pairs: [DragPair]
    /// The caption, trimmed; empty when none was given.
    public let caption: String
    /// How many intentions to return (the request's N, or 3 when it is 0).
    public let count: Int

    /// The default number of intentions.
    public static let defaultCount = 3

    /// Builds an input from decoded parts, applying the same checks as a request.
    public init(image: RasterImage, mask: BinaryMask, pairs: [DragPair], caption: String = "", count: Int = defaultCount) throws {
        guard !pairs.isEmpty else { throw ReasoningError.invalidArgument("no point pairs: give at least one handle → target drag") }
        guard count >= 1, count <= Lucid_V1_IntentionKind.reasoned.count else {
            throw ReasoningError.invalidArgument(
                "num_intentions must be between 1 and \(Lucid_V1_IntentionKind.reasoned.count) (0 means \(Self.defaultCount)), got \(count)")
        }
        guard mask.width == image.width, mask.height == image.height else {
            throw ReasoningError.invalidArgument(
                "the mask is \(mask.width)×\(mask.height) but the image is \(image.width)×\(image.height)")
        }
        guard !mask.isEmpty else { throw ReasoningError.invalidArgument("the mask is empty: mark the editable region with non-zero pixels") }
        for (index, pair) in pairs.enumerated() {
            for (name, point) in [("handle", pair.handle), ("target", pair.target)] {
                guard point.x.isFinite, point.y.isFinite,
                      point.x >= 0, point.y >= 0, point.x < Double(image.width), point.y < Double(image.height) else {
                    throw ReasoningError.invalidArgument(
                        "pair \(index): the \(name) (\(point.x), \(point.y)) is outside the \(image.width)×\(image.height) image")
                }
            }
            guard pair.displacement.length > 0 else {
                throw ReasoningError.invalidArgument("pair \(index): the handle equals the target (\(pair.handle.x), \(pair.handle.y)); a drag must move")
            }
        }
        self.image = image
        self.mask = mask
        self.pairs = pairs
        self.caption = caption.trimmingCharacters(in: .whitespacesAndNewlines)
        self.count = count
    }

    /// Decodes and checks a contract request; every problem is an `invalidArgument` with a clear message.
    public init(_ request: Lucid_V1_ReasonRequest) throws {
        let image: RasterImage
        do {
            image = try RasterImage(request.image)
        } catch let error as ImageError {
            throw ReasoningError.invalidArgument("image: \(error)")
        }
        let mask: BinaryMask
        do {
            mask = try BinaryMask(request.mask, width: image.width, height: image.height)
        } catch ImageError.sizeMismatch(let ew, let eh, let aw, let ah) {
            throw ReasoningError.invalidArgument("the mask is \(aw)×\(ah) but the image is \(ew)×\(eh)")
        } catch ImageError.missing {
            throw ReasoningError.invalidArgument("no mask: give the editable region (non-zero = editable)")
        } catch let error as ImageError {
            throw ReasoningError.invalidArgument("mask: \(error)")
        }
        let pairs = request.pairs.map {
            DragPair(handle: PixelPoint(x: Double($0.handle.x), y: Double($0.handle.y)),
                     target: PixelPoint(x: Double($0.target.x), y: Double($0.target.y)))
        }
        let count = request.numIntentions == 0 ? Self.defaultCount : Int(clamping: request.numIntentions)
        try self.init(image: image, mask: mask, pairs: pairs, caption: request.caption, count: count)
    }
}

/// BinaryMask: a per-pixel yes/no map, e.g. the editable region of a drag request.

/// A width × height grid of booleans, row-major.
public struct BinaryMask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [Bool]

    /// A mask of the given size, all `value`.
    public init(width: Int, height: Int, value: Bool = false) {
        self.width = width
        self.height = height
        self.values = [Bool](repeating: value, count: max(0, width * height))
    }

    /// The mask of the non-zero samples in `image`'s first channel.
    public init(nonZeroIn image: RasterImage) {
        self.width = image.width
        self.height = image.height
        let c = image.channels
        self.values = (0..<(image.width * image.height)).map { image.pixels[$0 * c] != 0 }
    }

    /// Whether the pixel at column `x`, row `y` is set; false outside the grid.
    @inlinable
    public subscript(x: Int, y: Int) -> Bool {
        get { x >= 0 && y >= 0 && x < width && y < height && values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// How many pixels are set.
    public var count: Int { values.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Whether no pixel is set.
    public var isEmpty: Bool { !values.contains(true) }

    /// The mask as a grey image, 255 where set.
    public func toImage() -> RasterImage {
        RasterImage(unchecked: width, height, .grey, values.map { $0 ? 255 : 0 })
    }
}

/// RasterImage: an 8-bit grey or RGB image in memory, row-major with interleaved channels.

/// The pixel layouts LucidDrag works with.
public enum PixelFormat: Int, Sendable, Equatable {
    /// One channel.
    case grey = 1
    /// Three channels, red, green, blue.
    case rgb = 3

    /// Samples per pixel.
    public var channels: Int { rawValue }
}

/// An 8-bit grey or RGB image: `pixels` holds `width * height * format.channels` bytes, row by row.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let format: PixelFormat
    public var pixels: [UInt8]

    /// Wraps existing pixels; throws when their count does not match the size and format.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else {
            throw ImageError.invalidDimensions(width: width, height: height)
        }
        let expected = width * height * format.channels
        guard pixels.count == expected else {
            throw ImageError.pixelCountMismatch(expected: expected, actual: pixels.count)
        }
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// An image filled with one value per channel (`fill.count` must equal the format's channels).
    public init(width: Int, height: Int, format: PixelFormat, fill: [UInt8]) throws {
        guard fill.count == format.channels else {
            throw ImageError.wrongChannelCount(expected: [format.channels], actual: fill.count)
        }
        guard width > 0, height > 0 else {
            throw ImageError.invalidDimensions(width: width, height: height)
        }
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * fill.count)
        for _ in 0..<(width * height) { pixels.append(contentsOf: fill) }
        try self.init(width: width, height: height, format: format, pixels: pixels)
    }

    /// Channels per pixel.
    public var channels: Int { format.channels }

    /// The sample at column `x`, row `y`, channel `c` (no bounds check beyond the array's).
    @inlinable
    public subscript(x: Int, y: Int, c: Int) -> UInt8 {
        get { pixels[(y * width + x) * format.channels + c] }
        set { pixels[(y * width + x) * format.channels + c] = newValue }
    }

    /// The same picture in grey (ITU-R BT.601 luma) or unchanged when already grey.
    public func toGrey() -> RasterImage {
        guard format == .rgb else { return self }
        var grey = [UInt8](repeating: 0, count: width * height)
        for i in 0..<(width * height) {
            let r = Int(pixels[3 * i]), g = Int(pixels[3 * i + 1]), b = Int(pixels[3 * i + 2])
            grey[i] = UInt8((299 * r + 587 * g + 114 * b + 500) / 1000)
        }
        return RasterImage(unchecked: width, height, .grey, grey)
    }

    /// The same picture in RGB (grey replicated) or unchanged when already RGB.
    public func toRGB() -> RasterImage {
        guard format == .grey else { return self }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            rgb[3 * i] = pixels[i]
            rgb[3 * i + 1] = pixels[i]
            rgb[3 * i + 2] = pixels[i]
        }
        return RasterImage(unchecked: width, height, .rgb, rgb)
    }

    /// For callers in this module that already know the pixel count is right.
    init(unchecked width: Int, _ height: Int, _ format: PixelFormat, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }
}

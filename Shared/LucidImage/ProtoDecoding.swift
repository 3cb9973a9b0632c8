/// ProtoDecoding: RasterImage and BinaryMask from the contract's lucid.v1.Image and lucid.v1.Mask.
import Foundation
import LucidProto

extension RasterImage {
    /// Decodes a request image (PNG/JPEG bytes or raw 1/3/4-channel pixels) to RGB; alpha is
    /// composited over white.
    public init(_ message: Lucid_V1_Image) throws {
        switch message.content {
        case .encoded(let data):
            self = try decodeImage(data, alpha: .overWhite).toRGB()
        case .raw(let raw):
            self = try RasterImage(raw: raw, allowedChannels: [1, 3, 4], alpha: .overWhite).toRGB()
        case nil:
            throw ImageError.missing
        }
    }

    /// The image as a raw lucid.v1.Image.
    public func rawMessage() -> Lucid_V1_Image {
        var raw = Lucid_V1_RawImage()
        raw.width = UInt32(width)
        raw.height = UInt32(height)
        raw.channels = UInt32(channels)
        raw.pixels = Data(pixels)
        var message = Lucid_V1_Image()
        message.raw = raw
        return message
    }

    /// The image as a PNG-encoded lucid.v1.Image.
    public func pngMessage() throws -> Lucid_V1_Image {
        var message = Lucid_V1_Image()
        message.encoded = try PNGCodec.encode(self)
        return message
    }

    init(raw: Lucid_V1_RawImage, allowedChannels: [Int], alpha: AlphaHandling) throws {
        let width = Int(raw.width), height = Int(raw.height), channels = Int(raw.channels)
        guard allowedChannels.contains(channels) else {
            throw ImageError.wrongChannelCount(expected: allowedChannels, actual: channels)
        }
        guard width > 0, height > 0 else { throw ImageError.invalidDimensions(width: width, height: height) }
        let (expected, overflow) = width.multipliedReportingOverflow(by: height * channels)
        guard !overflow, raw.pixels.count == expected else {
            throw ImageError.pixelCountMismatch(expected: overflow ? Int.max : expected, actual: raw.pixels.count)
        }
        let bytes = [UInt8](raw.pixels)
        switch channels {
        case 1: self.init(unchecked: width, height, .grey, bytes)
        case 3: self.init(unchecked: width, height, .rgb, bytes)
        default:
            let flat = bytes.withUnsafeBufferPointer {
                alpha.flatten($0, pixelCount: width * height, channels: channels)
            }
            self.init(unchecked: width, height, channels == 2 ? .grey : .rgb, flat)
        }
    }
}

extension BinaryMask {
    /// Decodes a request mask (a PNG of any channel count, non-zero first channel = set, or raw
    /// 1-channel pixels) that must be `width` × `height`.
    public init(_ message: Lucid_V1_Mask, width: Int, height: Int) throws {
        let image: RasterImage
        switch message.content {
        case .encoded(let data):
            guard ImageFileFormat.sniff(data) == .png else {
                throw ImageError.undecodable("a mask must be a PNG file")
            }
            image = try PNGCodec.decode(data, alpha: .discard)
        case .raw(let raw):
            image = try RasterImage(raw: raw, allowedChannels: [1], alpha: .discard)
        case nil:
            throw ImageError.missing
        }
        guard image.width == width, image.height == height else {
            throw ImageError.sizeMismatch(expectedWidth: width, expectedHeight: height,
                                          actualWidth: image.width, actualHeight: image.height)
        }
        self.init(nonZeroIn: image)
    }

    /// The mask as a PNG-encoded lucid.v1.Mask (255 where set).
    public func pngMessage() throws -> Lucid_V1_Mask {
        var message = Lucid_V1_Mask()
        message.encoded = try PNGCodec.encode(toImage())
        return message
    }
}

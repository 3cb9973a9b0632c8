/// Codecs: PNG and JPEG decoding and encoding of RasterImage, over the CImageCodecs C wrappers.
import CImageCodecs
import Foundation

/// The encoded file formats LucidDrag reads and writes.
public enum ImageFileFormat: Sendable, Equatable {
    case png
    case jpeg

    /// The format named by the file's signature, or nil when it is neither PNG nor JPEG.
    public static func sniff(_ data: Data) -> ImageFileFormat? {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if data.count >= png.count, Array(data.prefix(png.count)) == png { return .png }
        if data.count >= 3, Array(data.prefix(3)) == [0xFF, 0xD8, 0xFF] { return .jpeg }
        return nil
    }
}

/// Decodes PNG or JPEG bytes, whichever the signature says, to grey or RGB.
public func decodeImage(_ data: Data, alpha: AlphaHandling = .overWhite) throws -> RasterImage {
    switch ImageFileFormat.sniff(data) {
    case .png: return try PNGCodec.decode(data, alpha: alpha)
    case .jpeg: return try JPEGCodec.decode(data)
    case nil: throw ImageError.undecodable("the bytes are neither a PNG nor a JPEG file")
    }
}

/// PNG files of any bit depth and colour type (palette, grey, RGB, with or without alpha, 1–16 bits).
public enum PNGCodec {
    /// Decodes to 8-bit grey or RGB, keeping the file's colour; alpha is handled as asked.
    public static func decode(_ data: Data, alpha: AlphaHandling = .overWhite) throws -> RasterImage {
        try decodeWith(data, codec: lucid_png_decode, alpha: alpha)
    }

    /// Encodes a grey or RGB image losslessly.
    public static func encode(_ image: RasterImage) throws -> Data {
        try encodeWith(image) { pixels, out, size, error, errorSize in
            lucid_png_encode(pixels, UInt32(image.width), UInt32(image.height), UInt32(image.channels),
                             out, size, error, errorSize)
        }
    }
}

/// JPEG files (baseline and progressive; grey or YCbCr).
public enum JPEGCodec {
    /// Decodes to 8-bit grey or RGB.
    public static func decode(_ data: Data) throws -> RasterImage {
        try decodeWith(data, codec: lucid_jpeg_decode, alpha: .discard)
    }

    /// Encodes a grey or RGB image at `quality` (1–100).
    public static func encode(_ image: RasterImage, quality: Int = 90) throws -> Data {
        try encodeWith(image) { pixels, out, size, error, errorSize in
            lucid_jpeg_encode(pixels, UInt32(image.width), UInt32(image.height), UInt32(image.channels),
                              Int32(quality), out, size, error, errorSize)
        }
    }
}

private typealias DecodeFunction = (UnsafeRawPointer?, Int, UnsafeMutablePointer<lucid_pixels>?,
                                    UnsafeMutablePointer<CChar>?, Int) -> Int32

private func decodeWith(_ data: Data, codec: DecodeFunction, alpha: AlphaHandling) throws -> RasterImage {
    guard !data.isEmpty else { throw ImageError.undecodable("the data is empty") }
    var decoded = lucid_pixels()
    var message = [CChar](repeating: 0, count: 256)
    let status = data.withUnsafeBytes { bytes in
        codec(bytes.baseAddress, bytes.count, &decoded, &message, message.count)
    }
    guard status == 0, let raw = decoded.pixels else {
        throw ImageError.undecodable(String(cString: message))
    }
    defer { lucid_codec_free(raw) }
    let width = Int(decoded.width), height = Int(decoded.height), channels = Int(decoded.channels)
    let samples = UnsafeBufferPointer(start: raw, count: width * height * channels)
    switch channels {
    case 1:
        return try RasterImage(width: width, height: height, format: .grey, pixels: Array(samples))
    case 3:
        return try RasterImage(width: width, height: height, format: .rgb, pixels: Array(samples))
    case 2, 4:
        let flat = alpha.flatten(samples, pixelCount: width * height, channels: channels)
        return try RasterImage(width: width, height: height, format: channels == 2 ? .grey : .rgb, pixels: flat)
    default:
        throw ImageError.wrongChannelCount(expected: [1, 2, 3, 4], actual: channels)
    }
}

private func encodeWith(
    _ image: RasterImage,
    _ codec: (UnsafePointer<UInt8>?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
              UnsafeMutablePointer<Int>?, UnsafeMutablePointer<CChar>?, Int) -> Int32
) throws -> Data {
    var output: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = [CChar](repeating: 0, count: 256)
    let status = image.pixels.withUnsafeBufferPointer { pixels in
        codec(pixels.baseAddress, &output, &size, &message, message.count)
    }
    guard status == 0, let buffer = output else {
        throw ImageError.unencodable(String(cString: message))
    }
    defer { lucid_codec_free(buffer) }
    return Data(bytes: buffer, count: size)
}

/// PNGSamples: PNG files of colour types and bit depths our encoder never writes, built byte by byte
/// (zlib "stored" blocks, CRC-32 and Adler-32 computed here) so that the decoder sees real variety.
import Foundation
import LucidImage

enum PNGSamples {
    /// (name, file, expected 8-bit decoding over white) for several colour types and depths.
    static func all() throws -> [(String, Data, RasterImage)] {
        // 16-bit RGB, 2×1, big-endian samples; with low byte == high byte the 8-bit value is the high byte.
        let rgb16 = file(width: 2, height: 1, bitDepth: 16, colourType: 2, palette: nil,
                         rows: [[0xFF, 0xFF, 0x00, 0x00, 0x80, 0x80, 0x00, 0x00, 0x40, 0x40, 0xC0, 0xC0]])
        // Palette, 8-bit indices, 3×1.
        let palette = file(width: 3, height: 1, bitDepth: 8, colourType: 3,
                           palette: [255, 0, 0, 0, 255, 0, 0, 0, 255], rows: [[2, 0, 1]])
        // 1-bit grey, 8×1: 0b10110000.
        let bits = file(width: 8, height: 1, bitDepth: 1, colourType: 0, palette: nil, rows: [[0b1011_0000]])
        return [
            ("rgb16", rgb16, try RasterImage(width: 2, height: 1, format: .rgb, pixels: [255, 0, 128, 0, 64, 192])),
            ("palette", palette, try RasterImage(width: 3, height: 1, format: .rgb, pixels: [0, 0, 255, 255, 0, 0, 0, 255, 0])),
            ("grey1", bits, try RasterImage(width: 8, height: 1, format: .grey, pixels: [255, 0, 255, 255, 0, 0, 0, 0])),
        ]
    }

    /// An 8-bit RGBA file.
    static func rgba(width: Int, height: Int, pixels: [UInt8]) -> Data {
        let rows = (0..<height).map { y in Array(pixels[(y * width * 4)..<((y + 1) * width * 4)]) }
        return file(width: width, height: height, bitDepth: 8, colourType: 6, palette: nil, rows: rows)
    }

    static func file(width: Int, height: Int, bitDepth: UInt8, colourType: UInt8, palette: [UInt8]?, rows: [[UInt8]]) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.append(bigEndian: UInt32(width))
        header.append(bigEndian: UInt32(height))
        header.append(contentsOf: [bitDepth, colourType, 0, 0, 0])
        png.append(chunk: "IHDR", header)
        if let palette { png.append(chunk: "PLTE", Data(palette)) }
        var raw = [UInt8]()
        for row in rows { raw.append(0); raw += row }  // filter type 0 per row
        png.append(chunk: "IDAT", zlibStored(raw))
        png.append(chunk: "IEND", Data())
        return png
    }

    private static func zlibStored(_ bytes: [UInt8]) -> Data {
        var out = Data([0x78, 0x01, 0x01])  // header, then one final stored block
        let length = UInt16(bytes.count)
        out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)])
        out.append(contentsOf: bytes)
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        out.append(bigEndian: (b << 16) | a)
        return out
    }
}

private extension Data {
    mutating func append(bigEndian value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }

    mutating func append(chunk type: String, _ body: Data) {
        append(bigEndian: UInt32(body.count))
        let typed = Data(type.utf8) + body
        append(typed)
        append(bigEndian: crc32(typed))
    }
}

private func crc32(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

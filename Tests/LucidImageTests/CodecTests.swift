/// Tests of PNG and JPEG encoding and decoding through real files written to disk and read back.
import Foundation
import LucidImage
import XCTest

final class CodecTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lucid-image-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func gradient(width: Int, height: Int) throws -> RasterImage {
        var pixels = [UInt8]()
        for y in 0..<height {
            for x in 0..<width {
                pixels += [UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), UInt8((x + y) % 256)]
            }
        }
        return try RasterImage(width: width, height: height, format: .rgb, pixels: pixels)
    }

    func testAnRGBImageSurvivesAPNGFileRoundTripExactly() throws {
        let image = try gradient(width: 37, height: 21)
        let file = directory.appendingPathComponent("gradient.png")
        try PNGCodec.encode(image).write(to: file)
        let decoded = try PNGCodec.decode(Data(contentsOf: file))
        XCTAssertEqual(decoded, image)
    }

    func testAGreyImageStaysGreyThroughPNG() throws {
        let grey = try RasterImage(width: 4, height: 2, format: .grey, pixels: [0, 10, 20, 30, 200, 210, 220, 255])
        let decoded = try PNGCodec.decode(PNGCodec.encode(grey))
        XCTAssertEqual(decoded.format, .grey)
        XCTAssertEqual(decoded, grey)
    }

    func testAJPEGRoundTripIsCloseToTheOriginal() throws {
        let image = try gradient(width: 64, height: 48)
        let file = directory.appendingPathComponent("gradient.jpg")
        try JPEGCodec.encode(image, quality: 95).write(to: file)
        let decoded = try decodeImage(Data(contentsOf: file))
        XCTAssertEqual(decoded.width, 64)
        XCTAssertEqual(decoded.height, 48)
        XCTAssertEqual(decoded.format, .rgb)
        let meanError = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +) / image.pixels.count
        XCTAssertLessThan(meanError, 4)
    }

    func testAGreyJPEGDecodesToOneChannel() throws {
        let grey = try RasterImage(width: 16, height: 16, format: .grey, fill: [128])
        let decoded = try JPEGCodec.decode(JPEGCodec.encode(grey))
        XCTAssertEqual(decoded.format, .grey)
        XCTAssertTrue(decoded.pixels.allSatisfy { abs(Int($0) - 128) <= 1 })
    }

    func testPNGFilesOfOtherDepthsAndColourTypesDecodeToEightBits() throws {
        // Files written by Python's zlib-only PNG writer below: 16-bit RGB, palette, 1-bit grey, RGBA.
        for (name, png, expected) in try PNGSamples.all() {
            let decoded = try PNGCodec.decode(png, alpha: .overWhite)
            XCTAssertEqual(decoded, expected, name)
        }
    }

    func testAlphaIsCompositedOverTheChosenBackgroundOrDiscarded() throws {
        let png = PNGSamples.rgba(width: 1, height: 1, pixels: [200, 100, 0, 128])
        let overBlack = try PNGCodec.decode(png, alpha: .composite(over: RGB(0, 0, 0)))
        XCTAssertEqual(overBlack.pixels, [100, 50, 0])
        let overWhite = try PNGCodec.decode(png, alpha: .overWhite)
        XCTAssertEqual(overWhite.pixels, [227, 177, 127])
        let discarded = try PNGCodec.decode(png, alpha: .discard)
        XCTAssertEqual(discarded.pixels, [200, 100, 0])
    }

    func testGarbageAndTruncatedFilesAreUndecodableNotACrash() throws {
        let image = try gradient(width: 20, height: 20)
        let png = try PNGCodec.encode(image)
        let jpeg = try JPEGCodec.encode(image)
        for bytes in [Data([1, 2, 3, 4]), Data(), png.prefix(40), jpeg.prefix(30), Data(png.prefix(8)) + Data(repeating: 7, count: 100)] {
            XCTAssertThrowsError(try decodeImage(bytes)) { error in
                guard case ImageError.undecodable = error else { return XCTFail("unexpected \(error)") }
            }
        }
        XCTAssertThrowsError(try JPEGCodec.decode(jpeg.prefix(30)))
    }
}

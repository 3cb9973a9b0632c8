/// Tests of decoding contract images and masks, their typed errors, and resizing.
import Foundation
import LucidImage
import LucidProto
import XCTest

final class ProtoDecodingTests: XCTestCase {
    private func raw(_ width: Int, _ height: Int, _ channels: Int, _ pixels: [UInt8]) -> Lucid_V1_RawImage {
        var raw = Lucid_V1_RawImage()
        raw.width = UInt32(width)
        raw.height = UInt32(height)
        raw.channels = UInt32(channels)
        raw.pixels = Data(pixels)
        return raw
    }

    func testRawGreyAndRGBAImagesDecodeToRGB() throws {
        var grey = Lucid_V1_Image()
        grey.raw = raw(2, 1, 1, [10, 20])
        XCTAssertEqual(try RasterImage(grey).pixels, [10, 10, 10, 20, 20, 20])
        var rgba = Lucid_V1_Image()
        rgba.raw = raw(1, 1, 4, [0, 0, 0, 0])
        XCTAssertEqual(try RasterImage(rgba).pixels, [255, 255, 255], "transparent black reads as the white background")
    }

    func testAnEncodedImageDecodesFromTheMessage() throws {
        let image = try RasterImage(width: 3, height: 2, format: .rgb, pixels: Array(0..<18))
        XCTAssertEqual(try RasterImage(image.pngMessage()), image)
        XCTAssertEqual(try RasterImage(image.rawMessage()), image)
    }

    func testRawImagesWithABadChannelCountOrByteCountAreRejected() {
        var twoChannels = Lucid_V1_Image()
        twoChannels.raw = raw(1, 1, 2, [0, 0])
        XCTAssertThrowsError(try RasterImage(twoChannels)) {
            XCTAssertEqual($0 as? ImageError, .wrongChannelCount(expected: [1, 3, 4], actual: 2))
        }
        var short = Lucid_V1_Image()
        short.raw = raw(2, 2, 3, [0, 0, 0])
        XCTAssertThrowsError(try RasterImage(short)) {
            XCTAssertEqual($0 as? ImageError, .pixelCountMismatch(expected: 12, actual: 3))
        }
        XCTAssertThrowsError(try RasterImage(Lucid_V1_Image())) { XCTAssertEqual($0 as? ImageError, .missing) }
        var garbage = Lucid_V1_Image()
        garbage.encoded = Data("not an image".utf8)
        XCTAssertThrowsError(try RasterImage(garbage)) {
            guard case ImageError.undecodable = $0 else { return XCTFail("unexpected \($0)") }
        }
    }

    func testAMaskReadsItsFirstChannelAndMustMatchTheImageSize() throws {
        let rgb = try RasterImage(width: 2, height: 2, format: .rgb, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 0, 9, 9, 9])
        var message = Lucid_V1_Mask()
        message.encoded = try PNGCodec.encode(rgb)
        XCTAssertEqual(try BinaryMask(message, width: 2, height: 2).values, [true, false, false, true])
        XCTAssertThrowsError(try BinaryMask(message, width: 3, height: 2)) {
            XCTAssertEqual($0 as? ImageError, .sizeMismatch(expectedWidth: 3, expectedHeight: 2, actualWidth: 2, actualHeight: 2))
        }
        var threeChannelRaw = Lucid_V1_Mask()
        threeChannelRaw.raw = raw(1, 1, 3, [1, 1, 1])
        XCTAssertThrowsError(try BinaryMask(threeChannelRaw, width: 1, height: 1)) {
            XCTAssertEqual($0 as? ImageError, .wrongChannelCount(expected: [1], actual: 3))
        }
    }

    func testNearestResizeKeepsValuesAndBilinearBlends() throws {
        let image = try RasterImage(width: 2, height: 1, format: .grey, pixels: [0, 200])
        XCTAssertEqual(try image.resized(width: 4, height: 1, filter: .nearest).pixels, [0, 0, 200, 200])
        XCTAssertEqual(try image.resized(width: 4, height: 1, filter: .bilinear).pixels, [0, 50, 150, 200])
        let big = try RasterImage(width: 4, height: 4, format: .rgb, fill: [10, 20, 30])
        let small = try big.resized(width: 2, height: 2, filter: .bilinear)
        XCTAssertEqual(small.pixels, [UInt8](repeating: 0, count: 4).flatMap { _ in [10, 20, 30] as [UInt8] })
        XCTAssertThrowsError(try big.resized(width: 0, height: 2, filter: .nearest))
    }
}

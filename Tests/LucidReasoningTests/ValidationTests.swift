/// Tests that bad Reason requests are refused with INVALID_ARGUMENT-style errors that say what is wrong.
import Foundation
import LucidImage
import LucidProto
@testable import LucidReasoning
import XCTest

final class ValidationTests: XCTestCase {
    private func request(pairs: [(Float, Float, Float, Float)] = [(64, 64, 80, 64)], maskSize: Int = 128, emptyMask: Bool = false) throws -> Lucid_V1_ReasonRequest {
        let scene = SyntheticScene.redCircle
        var request = Lucid_V1_ReasonRequest()
        request.image = try scene.image().pngMessage()
        var mask = BinaryMask(width: maskSize, height: maskSize, value: !emptyMask)
        if !emptyMask { mask[0, 0] = false }
        request.mask = try mask.pngMessage()
        request.pairs = pairs.map { p in
            var pair = Lucid_V1_PointPair()
            pair.handle.x = p.0; pair.handle.y = p.1; pair.target.x = p.2; pair.target.y = p.3
            return pair
        }
        return request
    }

    private func assertInvalid(_ request: Lucid_V1_ReasonRequest, mentions text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ReasoningInput(request), file: file, line: line) { error in
            guard case ReasoningError.invalidArgument(let message) = error else {
                return XCTFail("expected invalidArgument, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(message.contains(text), "\"\(message)\" should mention \"\(text)\"", file: file, line: line)
        }
    }

    func testAValidRequestDecodesWithTheDefaultCount() throws {
        let input = try ReasoningInput(request())
        XCTAssertEqual(input.count, 3)
        XCTAssertEqual(input.pairs, [drag(64, 64, 80, 64)])
    }

    func testEachBadInputIsRefusedWithAClearMessage() throws {
        assertInvalid(try request(pairs: []), mentions: "no point pairs")
        assertInvalid(try request(pairs: [(64, 64, 200, 64)]), mentions: "target (200.0, 64.0) is outside the 128×128 image")
        assertInvalid(try request(pairs: [(-1, 64, 20, 64)]), mentions: "handle (-1.0, 64.0) is outside")
        assertInvalid(try request(pairs: [(64, 64, 64, 64)]), mentions: "handle equals the target")
        assertInvalid(try request(emptyMask: true), mentions: "the mask is empty")
        assertInvalid(try request(maskSize: 64), mentions: "the mask is 64×64 but the image is 128×128")
        var undecodable = try request()
        undecodable.image.encoded = Data("GIF89a…".utf8)
        assertInvalid(undecodable, mentions: "image: the image cannot be decoded")
        var noImage = try request()
        noImage.clearImage()
        assertInvalid(noImage, mentions: "no image was given")
        var tooMany = try request()
        tooMany.numIntentions = 9
        assertInvalid(tooMany, mentions: "num_intentions must be between 1 and 7")
    }
}

/// The CLIP tokenizer against transformers' `CLIPTokenizer` ids for the fixture captions.
import Foundation
import LucidModels
import XCTest

final class CLIPTokenizerTests: XCTestCase {
    private struct Golden: Decodable {
        struct Case: Decodable { let text: String; let ids: [Int] }
        let max_length: Int
        let bos: Int
        let eos: Int
        let pad: Int
        let cases: [Case]
    }

    private func golden() throws -> Golden {
        let data = try Data(contentsOf: Fixtures.engine.appendingPathComponent("golden/tokenizer_ids.json"))
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    func testIdsMatchTransformersForEveryFixtureCaption() throws {
        let tokenizer = try CLIPTokenizer(folder: Fixtures.tinySD.appendingPathComponent("tokenizer"))
        let golden = try golden()
        XCTAssertEqual([tokenizer.bosToken, tokenizer.eosToken, tokenizer.padToken], [golden.bos, golden.eos, golden.pad])
        XCTAssertEqual(tokenizer.maxLength, golden.max_length)
        for testCase in golden.cases {
            XCTAssertEqual(tokenizer.encode(testCase.text), testCase.ids, "caption: \(testCase.text)")
        }
    }

    func testTokenizerJSONAloneGivesTheSameIds() throws {
        let source = Fixtures.tinySD.appendingPathComponent("tokenizer")
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in ["tokenizer.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        let tokenizer = try CLIPTokenizer(folder: folder)
        for testCase in try golden().cases {
            XCTAssertEqual(tokenizer.encode(testCase.text), testCase.ids, "caption: \(testCase.text)")
        }
    }

    func testLongCaptionsAreTruncatedToBOSPlus75TokensPlusEOS() throws {
        let tokenizer = try CLIPTokenizer(folder: Fixtures.tinySD.appendingPathComponent("tokenizer"))
        let ids = tokenizer.encode(String(repeating: "a red car ", count: 60))
        XCTAssertEqual(ids.count, 77)
        XCTAssertEqual(ids.first, tokenizer.bosToken)
        XCTAssertEqual(ids.last, tokenizer.eosToken)
        XCTAssertFalse(ids.dropLast().contains(tokenizer.eosToken))
    }

    func testAFolderWithoutTokenizerFilesIsATypedError() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try CLIPTokenizer(folder: folder)) { error in
            XCTAssertEqual(error as? TokenizerError, .missingFiles(folder: folder.path))
        }
        try Data("{\"a</w>\": 0}".utf8).write(to: folder.appendingPathComponent("vocab.json"))
        try Data("#version: 0.2\na b\n".utf8).write(to: folder.appendingPathComponent("merges.txt"))
        XCTAssertThrowsError(try CLIPTokenizer(folder: folder)) { error in
            guard case TokenizerError.missingSpecialToken("<|startoftext|>", _) = error else { return XCTFail("\(error)") }
        }
    }
}

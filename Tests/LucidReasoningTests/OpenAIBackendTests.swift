/// Tests of the OpenAI-compatible backend against a real scripted HTTP server process: the success path,
/// each failure mode (malformed JSON, wrong schema, unknown kind, HTTP 500, a reply slower than the
/// timeout, a refused connection), bounded retries, and the fallback to the built-in backend.
import Foundation
import Logging
import LucidProto
@testable import LucidReasoning
import LucidTestSupport
import XCTest

final class OpenAIBackendTests: XCTestCase {
    // Written by the class-level setUp/tearDown, which XCTest runs before and after the tests, in sequence.
    nonisolated(unsafe) private static var server: FixtureServer!

    override class func setUp() {
        super.setUp()
        server = try? FixtureServer()
    }

    override class func tearDown() {
        server?.stop()
        super.tearDown()
    }

    private var server: FixtureServer { Self.server }

    /// The failures below are expected; keep their log lines out of the test output.
    private let quiet: Logger = {
        var logger = Logger(label: "lucid.reasoner.test")
        logger.logLevel = .critical
        return logger
    }()

    private func configuration(_ mode: String, locator: Bool = true) -> OpenAIConfiguration {
        var configuration = OpenAIConfiguration(baseURL: server.baseURL(mode), reasonerModel: "test-chat",
                                                locatorModel: locator ? "test-vision" : nil)
        configuration.maxAttempts = 2
        configuration.initialBackoff = 0.05
        configuration.timeout = 1
        configuration.apiKey = "sk-secret-value"
        return configuration
    }

    private func input() throws -> ReasoningInput {
        try SyntheticScene.redCircle.input([drag(75, 64, 81, 64)], caption: "a small red circle on a light gray background")
    }

    private func withFallback(_ mode: String) throws -> FallbackBackend {
        FallbackBackend(primary: try OpenAIBackend(configuration: configuration(mode), logger: quiet), fallback: BuiltinBackend(), logger: quiet)
    }

    private func calls(_ mode: String) throws -> Int { (try server.stats()[mode] as? Int) ?? 0 }

    func testTheServerStarted() {
        XCTAssertNotNil(Self.server, "the fixture server (/usr/bin/python3) must start")
    }

    func testASuccessfulAnswerIsValidatedSortedAndRenormalised() async throws {
        try XCTSkipIf(Self.server == nil)
        let answer = try await withFallback("success").reason(input())
        XCTAssertEqual(answer.backend, "openai")
        XCTAssertFalse(answer.fellBack)
        XCTAssertEqual(answer.regionDescription, "the small red circle")
        XCTAssertEqual(answer.intentions.map(\.kind), [.enlarge, .move, .stretchHorizontal])
        XCTAssertEqual(answer.intentions.map(\.confidence).reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(answer.intentions[0].confidence, 0.5, accuracy: 1e-5)
        XCTAssertEqual(answer.intentions[0].targetPrompt, "a large red circle")
        let builtin = BuiltinBackend(), analysis = builtin.analyse(try input())
        XCTAssertEqual(answer.intentions.map(\.warp), answer.intentions.map { builtin.warp(of: $0.kind, in: analysis) },
                       "each kind carries the built-in fit of its transform")
        XCTAssertEqual(answer.intentions[0].warp.count, 6)
        XCTAssertEqual(try calls("success"), 2, "one locator and one reasoner call")
        let stats = try server.stats()
        XCTAssertEqual(stats["last_authorization"] as? String, "Bearer sk-secret-value")
        let request = try XCTUnwrap(stats["last_request"] as? [String: Any])
        XCTAssertEqual(request["model"] as? String, "test-chat")
        let format = try XCTUnwrap(request["response_format"] as? [String: Any])
        XCTAssertEqual(format["type"] as? String, "json_schema")
        let prompt = try XCTUnwrap(((request["messages"] as? [[String: Any]])?.first?["content"]) as? String)
        XCTAssertTrue(prompt.contains("the small red circle"), "the locator's answer reaches the reasoner prompt")
        XCTAssertTrue(prompt.contains("on the object's right boundary"), prompt)
    }

    func testTheLocatorSeesTheImageAsAPNGDataURL() async throws {
        try XCTSkipIf(Self.server == nil)
        let backend = try OpenAIBackend(configuration: configuration("success"))
        let phrase = try await backend.locate(input(), fallback: "unused")
        XCTAssertEqual(phrase, "the small red circle")
        let request = try XCTUnwrap(try server.stats()["last_request"] as? [String: Any])
        let parts = try XCTUnwrap((request["messages"] as? [[String: Any]])?.first?["content"] as? [[String: Any]])
        let url = try XCTUnwrap((parts.last?["image_url"] as? [String: Any])?["url"] as? String)
        XCTAssertTrue(url.hasPrefix("data:image/png;base64,iVBORw0KGgo"))
    }

    func testATransientFailureIsRetriedAndThenSucceeds() async throws {
        try XCTSkipIf(Self.server == nil)
        let mode = "flaky-\(UUID().uuidString.prefix(8))"
        let answer = try await withFallback(mode).reason(input())
        XCTAssertFalse(answer.fellBack)
        XCTAssertEqual(answer.backend, "openai")
        XCTAssertEqual(try calls(mode), 4, "each of the two calls failed once and was retried once")
    }

    private func assertFallsBack(_ mode: String, reason: String, attempts: Int?, file: StaticString = #filePath, line: UInt = #line) async throws {
        try XCTSkipIf(Self.server == nil)
        let answer = try await withFallback(mode).reason(input())
        XCTAssertTrue(answer.fellBack, file: file, line: line)
        XCTAssertEqual(answer.backend, "builtin", file: file, line: line)
        XCTAssertTrue(answer.fallbackReason.contains(reason), "\"\(answer.fallbackReason)\" should mention \"\(reason)\"", file: file, line: line)
        XCTAssertFalse(answer.fallbackReason.contains("sk-secret"), file: file, line: line)
        XCTAssertEqual(answer.intentions.first?.kind, .enlarge, file: file, line: line)
        if let attempts { XCTAssertEqual(try calls(mode), attempts, file: file, line: line) }
    }

    func testMalformedJSONIsRetriedThenFallsBack() async throws {
        try await assertFallsBack("malformed", reason: "not a chat completion", attempts: 2)
    }

    func testAnAnswerWithoutTheSchemaFallsBack() async throws {
        try await assertFallsBack("wrong-schema", reason: "no \"intentions\" array", attempts: 3)
    }

    func testAnUnknownKindFallsBack() async throws {
        try await assertFallsBack("bad-kind", reason: "unknown kind", attempts: 3)
    }

    func testHTTP500IsRetriedThenFallsBack() async throws {
        try await assertFallsBack("error500", reason: "HTTP 500", attempts: 2)
    }

    func testAReplySlowerThanTheTimeoutFallsBackInTime() async throws {
        let start = Date()
        try await assertFallsBack("slow", reason: "did not answer in time", attempts: nil)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.9, "two 1 s attempts, not the server's 3 s")
    }

    func testARefusedConnectionFallsBack() async throws {
        var configuration = configuration("success")
        configuration.baseURL = URL(string: "http://127.0.0.1:\(try TCPPort.free())/v1")!
        let backend = FallbackBackend(primary: try OpenAIBackend(configuration: configuration, logger: quiet), fallback: BuiltinBackend(), logger: quiet)
        let answer = try await backend.reason(input())
        XCTAssertTrue(answer.fellBack)
        XCTAssertTrue(answer.fallbackReason.contains("cannot be reached"), answer.fallbackReason)
    }

    func testWithoutFallbackAFailureIsAnError() async throws {
        try XCTSkipIf(Self.server == nil)
        let backend = try OpenAIBackend(configuration: configuration("error500"), logger: quiet)
        do {
            _ = try await backend.reason(input())
            XCTFail("expected a failure")
        } catch ReasoningError.backendFailed(let name, let reason) {
            XCTAssertEqual(name, "openai")
            XCTAssertTrue(reason.contains("HTTP 500"))
        }
    }

    func testTheAPIKeyIsReadFromAFileOrTheEnvironmentAndNeverDescribed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)")
        try "sk-from-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertEqual(try OpenAIConfiguration.loadAPIKey(file: file.path, environment: [:]), "sk-from-file")
        XCTAssertEqual(try OpenAIConfiguration.loadAPIKey(file: nil, environment: ["LUCID_OPENAI_API_KEY": "sk-env"]), "sk-env")
        XCTAssertNil(try OpenAIConfiguration.loadAPIKey(file: nil, environment: [:]))
        XCTAssertThrowsError(try OpenAIConfiguration.loadAPIKey(file: "/nonexistent/key", environment: [:]))
        XCTAssertFalse(configuration("success").description.contains("sk-secret"))
    }

    func testAnswerValidationRenormalisesDropsRepeatsAndTruncates() throws {
        let content = """
        ```json
        {"intentions": [
          {"kind": "move", "source_prompt": "a", "target_prompt": "b", "confidence": 0.2, "description": "d"},
          {"kind": "shrink", "source_prompt": "a", "target_prompt": "c", "confidence": 0.6, "description": "e"},
          {"kind": "move", "source_prompt": "a", "target_prompt": "x", "confidence": 0.9, "description": "f"},
          {"kind": "rotate", "source_prompt": "a", "target_prompt": "r", "confidence": 0.1, "description": "g"}]}
        ```
        """
        let intentions = try IntentionAnswer.parse(content, count: 2)
        XCTAssertEqual(intentions.map(\.kind), [.shrink, .move])
        XCTAssertEqual(intentions[0].confidence, 0.75, accuracy: 1e-6)
        XCTAssertThrowsError(try IntentionAnswer.parse(#"{"intentions": [{"kind": "move", "source_prompt": "a", "target_prompt": "b", "confidence": 1.5, "description": "d"}]}"#, count: 3))
        XCTAssertThrowsError(try IntentionAnswer.parse(#"{"intentions": [{"kind": "move", "source_prompt": "", "target_prompt": "b", "confidence": 0.5, "description": "d"}]}"#, count: 3))
        XCTAssertThrowsError(try IntentionAnswer.parse(#"{"intentions": []}"#, count: 3))
    }

    func testEditedPromptFilesReplaceTheShippedOnes() throws {
        let shipped = try PromptTemplates.load()
        XCTAssertTrue(shipped.reasoner.contains("{{drags}}"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Locate {{marker}}".write(to: folder.appendingPathComponent("locator.md"), atomically: true, encoding: .utf8)
        try "Reason {{count}}".write(to: folder.appendingPathComponent("reasoner.md"), atomically: true, encoding: .utf8)
        let custom = try PromptTemplates.load(from: folder)
        XCTAssertEqual(PromptTemplates.fill(custom.reasoner, ["count": "3"]), "Reason 3")
        XCTAssertThrowsError(try PromptTemplates.load(from: folder.appendingPathComponent("missing")))
    }
}

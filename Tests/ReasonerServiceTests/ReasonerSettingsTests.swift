/// Tests of the reasoner's backend settings: config file, then environment, then flags; bad values are
/// refused with a message naming the setting.
import ArgumentParser
import Foundation
import Logging
import LucidReasonerService
import LucidReasoning
import XCTest

final class ReasonerSettingsTests: XCTestCase {
    private func file(_ json: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reasoner-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testFlagsBeatTheEnvironmentWhichBeatsTheConfigFile() throws {
        let config = try file(#"{"backend": "openai", "model": "from-file", "vision_model": "vision-file", "timeout_seconds": 5, "fallback": false}"#)
        let environment = [ReasonerSettings.Environment.model: "from-env", ReasonerSettings.Environment.timeout: "7"]
        let options = try ReasonerOptions.parse(["--config", config, "--openai-timeout", "9", "--fallback"])
        let settings = try options.settings(environment: environment)
        XCTAssertEqual(settings.backend, .openai)
        XCTAssertEqual(settings.model, "from-env")
        XCTAssertEqual(settings.visionModel, "vision-file")
        XCTAssertEqual(settings.timeoutSeconds, 9)
        XCTAssertTrue(settings.fallback)
        XCTAssertEqual(try ReasonerOptions.parse([]).settings(environment: [:]), ReasonerSettings())
    }

    func testBadSettingsAreRefusedWithTheirName() throws {
        let cases: [([String], [String: String], String)] = [
            (["--backend", "oracle"], [:], "unknown reasoner backend 'oracle'"),
            ([], [ReasonerSettings.Environment.timeout: "soon"], "LUCID_OPENAI_TIMEOUT must be a number"),
            ([], [ReasonerSettings.Environment.fallback: "maybe"], "LUCID_REASONER_FALLBACK must be true or false"),
            (["--openai-attempts", "0"], [:], "--openai-attempts must be positive"),
            (["--config", "/nonexistent/reasoner.json"], [:], "cannot read the reasoner config file"),
            (["--config", try file(#"{"backend": "openai", "temperature": 2}"#)], [:], "unknown key \"temperature\""),
            (["--config", try file(#"{"max_attempts": "three"}"#)], [:], "\"max_attempts\""),
        ]
        for (flags, environment, message) in cases {
            XCTAssertThrowsError(try ReasonerOptions.parse(flags).settings(environment: environment), "\(flags)") { error in
                XCTAssertTrue("\(error)".contains(message), "\"\(error)\" should contain \"\(message)\"")
            }
        }
    }

    func testTheConfiguredBackendIsBuiltWithOrWithoutFallback() throws {
        var settings = ReasonerSettings()
        let logger = Logger(label: "test")
        XCTAssertTrue(try settings.makeBackend(environment: [:], logger: logger) is BuiltinBackend)
        settings.backend = .openai
        XCTAssertTrue(try settings.makeBackend(environment: [:], logger: logger) is FallbackBackend)
        settings.fallback = false
        XCTAssertTrue(try settings.makeBackend(environment: [:], logger: logger) is OpenAIBackend)
        settings.baseURL = "ftp://example"
        XCTAssertThrowsError(try settings.makeBackend(environment: [:], logger: logger))
    }
}

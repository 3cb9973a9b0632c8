/// The reasoner as a service behind a real Majordomo broker: the `luciddrag-reasoner` process and the
/// Python example worker answer Reason with the same structure, refuse bad inputs with INVALID_ARGUMENT
/// and keep serving; the OpenAI backend with an unreachable server falls back and says so.
import Foundation
import LucidBus
import LucidImage
import LucidProto
import LucidReasonerService
import LucidReasoning
import LucidTestSupport
import XCTest

final class ReasonerServiceTests: XCTestCase {
    private var directory: URL!
    private var broker: MajordomoBroker!
    private var client: RPCClient!
    private var endpoint: BusEndpoint { get throws { try BusEndpoint("ipc://\(directory.path)/bus.sock") } }
    private let heartbeat = Heartbeat(interval: .milliseconds(500), liveness: 4)

    override func setUpWithError() throws {
        directory = URL(fileURLWithPath: "/tmp/lrt-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        broker = try MajordomoBroker(endpoints: [try endpoint], configuration: .init(heartbeat: heartbeat))
        client = try RPCClient(endpoint: try endpoint)
    }

    override func tearDown() async throws {
        await client?.shutdown()
        await broker?.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: The Swift reasoner process

    func testTheReasonerProcessAnswersReasonAndKeepsServingAfterBadInputs() async throws {
        let worker = try WorkerProcess.swift(endpoint: try endpoint, heartbeat: heartbeat, in: directory)
        let answer = try await reason(Requests.rightEdgeDrag(count: 3))
        assertWellFormed(answer, count: 3)
        XCTAssertEqual(answer.backend, "builtin")
        XCTAssertEqual(answer.intentions.first?.kind, .enlarge)
        XCTAssertEqual(answer.regionDescription, "the medium red circle in the center", "radius 10 in a 96-pixel image")
        try await assertRefusesBadInputs()
        assertWellFormed(try await reason(Requests.rightEdgeDrag(count: 2)), count: 2)
        await worker.stop()
    }

    func testTheOpenAIBackendWithAnUnreachableServerFallsBackThroughTheService() async throws {
        let closedPort = try TCPPort.free()
        let worker = try WorkerProcess.swift(
            endpoint: endpoint, heartbeat: heartbeat, in: directory,
            extra: ["--backend", "openai", "--openai-base-url", "http://127.0.0.1:\(closedPort)/v1",
                    "--openai-model", "absent", "--openai-attempts", "1"])
        let answer = try await reason(Requests.rightEdgeDrag(count: 3))
        assertWellFormed(answer, count: 3)
        XCTAssertTrue(answer.fellBack)
        XCTAssertEqual(answer.backend, "builtin")
        XCTAssertTrue(answer.fallbackReason.hasPrefix("openai: the server cannot be reached"), answer.fallbackReason)
        await worker.stop()
    }

    func testAnUnknownBackendStopsTheProcessWithAUsageError() async throws {
        let worker = try WorkerProcess.swift(endpoint: try endpoint, heartbeat: heartbeat, in: directory, extra: ["--backend", "oracle"])
        let status = await worker.waitForExit(timeout: .seconds(10))
        XCTAssertEqual(status, 64)
        XCTAssertTrue(worker.output.contains("unknown reasoner backend 'oracle'"), worker.output)
    }

    func testTheEmbeddedModeAnswersReasonWithTheBuiltinBackend() async throws {
        let serveEndpoint = try BusEndpoint("ipc://\(directory.path)/serve.sock")
        let serve = try WorkerProcess.embedded(endpoint: serveEndpoint, heartbeat: heartbeat, in: directory)
        let embeddedClient = try RPCClient(endpoint: serveEndpoint)
        // The process binds its endpoint shortly after starting; a call made before then waits for it.
        let answer: Lucid_V1_ReasonResponse = try await embeddedClient.call(
            service: "lucid.v1.Reasoner", method: "Reason", Requests.rightEdgeDrag(count: 3), deadline: .seconds(30))
        await embeddedClient.shutdown()
        assertWellFormed(answer, count: 3)
        XCTAssertEqual(answer.backend, "builtin")
        await serve.stop()
    }

    // MARK: The Python example worker

    func testThePythonWorkerAnswersWithTheSameStructureAsTheSwiftOne() async throws {
        let python = try WorkerProcess.python(endpoint: try endpoint, heartbeat: heartbeat, in: directory)
        let fromPython = try await reason(Requests.rightEdgeDrag(count: 3))
        await python.stop()

        let swift = try WorkerProcess.swift(endpoint: try endpoint, heartbeat: heartbeat, in: directory)
        let fromSwift = try await reason(Requests.rightEdgeDrag(count: 3))
        await swift.stop()

        for answer in [fromPython, fromSwift] { assertWellFormed(answer, count: 3) }
        XCTAssertEqual(fromPython.backend, "python-example")
        XCTAssertEqual(fromSwift.backend, "builtin")
        // Both read a single outward drag as one of move / enlarge / stretch first.
        XCTAssertEqual(Set(fromPython.intentions.map(\.kind)), Set(fromSwift.intentions.map(\.kind)))
    }

    func testThePythonWorkerRefusesBadInputsAndKeepsServing() async throws {
        let python = try WorkerProcess.python(endpoint: try endpoint, heartbeat: heartbeat, in: directory)
        try await assertRefusesBadInputs()
        assertWellFormed(try await reason(Requests.rightEdgeDrag(count: 2)), count: 2)
        let health = try await client.health(service: "lucid.v1.Reasoner")
        XCTAssertEqual(health.status, .serving)
        XCTAssertEqual(health.version, "0.1.0-python-example")
        await python.stop()
    }

    // MARK: Helpers

    private func reason(_ request: Lucid_V1_ReasonRequest) async throws -> Lucid_V1_ReasonResponse {
        try await client.call(service: "lucid.v1.Reasoner", method: "Reason", request, deadline: .seconds(30))
    }

    /// Every bad input gets INVALID_ARGUMENT with the same message from any reasoner.
    private func assertRefusesBadInputs(file: StaticString = #filePath, line: UInt = #line) async throws {
        for (request, message) in try Requests.bad() {
            do {
                _ = try await reason(request)
                XCTFail("expected INVALID_ARGUMENT for \"\(message)\"", file: file, line: line)
            } catch let error as RPCError {
                XCTAssertEqual(error.code, .invalidArgument, "\(error)", file: file, line: line)
                XCTAssertTrue(error.message.contains(message), "\"\(error.message)\" should contain \"\(message)\"", file: file, line: line)
            }
        }
    }

    private func assertWellFormed(_ answer: Lucid_V1_ReasonResponse, count: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(answer.intentions.count, count, file: file, line: line)
        XCTAssertEqual(answer.intentions.map(\.confidence).reduce(0, +), 1, accuracy: 1e-4, file: file, line: line)
        XCTAssertEqual(answer.intentions.map(\.confidence), answer.intentions.map(\.confidence).sorted(by: >), file: file, line: line)
        XCTAssertEqual(Set(answer.intentions.map(\.kind.rawValue)).count, count, "kinds are distinct", file: file, line: line)
        for intention in answer.intentions {
            XCTAssertTrue(Lucid_V1_IntentionKind.reasoned.contains(intention.kind), file: file, line: line)
            XCTAssertFalse(intention.sourcePrompt.isEmpty || intention.targetPrompt.isEmpty || intention.description_p.isEmpty,
                           file: file, line: line)
            if [.enlarge, .shrink].contains(intention.kind) {
                XCTAssertNotEqual(intention.sourcePrompt, intention.targetPrompt, "a size change is in the prompt",
                                  file: file, line: line)
            }
        }
        XCTAssertFalse(answer.backend.isEmpty || answer.regionDescription.isEmpty, file: file, line: line)
    }
}

// The `luciddrag` command as a user runs it: demo, serve with outside clients and workers, health.
import Foundation
import LucidBus
import LucidTestSupport
import XCTest

final class CommandLineTests: XCTestCase {
    func testDemoStartsEveryServiceAndEachAnswersServing() async throws {
        let group = try ProcessGroup()
        let demo = try ChildProcess("luciddrag", ["demo"], in: group.directory.url)
        let status = await demo.waitForExit(timeout: .seconds(30))
        XCTAssertEqual(status, 0, demo.output)
        for service in ["Gateway", "Reasoner", "Sampler", "Discriminator"] {
            XCTAssertTrue(demo.output.contains("lucid.v1.\(service)"), demo.output)
        }
        XCTAssertEqual(demo.output.components(separatedBy: " SERVING ").count - 1, 4, demo.output)
        XCTAssertTrue(demo.output.contains("4 of 4 services serving"), demo.output)
    }

    func testServeLetsAnOutsideWorkerAndTheHealthCommandJoinOverIPC() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        let serve = try group.start("luciddrag", ["serve", "--bus", bus, "--worker-id", "embedded"], label: "serve")
        let outside = try group.worker("luciddrag-sampler", bus: bus, id: "outside-sampler")
        let client = try RPCClient(endpoint: bus)
        try await group.waitForWorkers(["embedded/sampler", "outside-sampler"], of: "lucid.v1.Sampler", client: client)
        await client.shutdown()

        let health = try ChildProcess("luciddrag", ["health", "--bus", bus], in: group.directory.url, label: "health")
        let healthStatus = await health.waitForExit(timeout: .seconds(30))
        XCTAssertEqual(healthStatus, 0, health.output)
        XCTAssertEqual(health.output.components(separatedBy: " SERVING ").count - 1, 4, health.output)

        await outside.stop()
        await serve.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: group.directory.socketPath()))
    }

    func testHealthExitsNonZeroWhenNothingAnswersBeforeTheDeadline() async throws {
        let group = try ProcessGroup()
        let health = try ChildProcess(
            "luciddrag", ["health", "--bus", group.directory.ipc(), "--service", "reasoner", "--timeout-ms", "300"],
            in: group.directory.url, label: "health")
        let status = await health.waitForExit(timeout: .seconds(30))
        XCTAssertEqual(status, 1, health.output)
        XCTAssertTrue(health.output.contains("DOWN"), health.output)
        XCTAssertTrue(health.output.contains("deadlineExceeded"), health.output)
    }
}

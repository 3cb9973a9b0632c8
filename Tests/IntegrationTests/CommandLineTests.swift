// The `luciddrag` command as a user runs it: demo, serve with outside clients and workers, health.
import Foundation
import LucidBus
import LucidTestSupport
import XCTest

final class CommandLineTests: XCTestCase {
    func testDemoEditsTheDefaultTaskThreeWaysAndWritesTheSheet() async throws {
        let group = try ProcessGroup()
        let out = group.directory.url.appendingPathComponent("demo")
        let demo = try ChildProcess("luciddrag", ["demo", "--seed", "1", "--steps", "2", "--out", out.path], in: group.directory.url)
        let status = await demo.waitForExit(timeout: .seconds(120))
        XCTAssertTrue(demo.output.contains(
            "task-0032: \"a small black circle on a pale green background\"; drag (60.0, 33.2) → (56.0, 32.4); "
                + "the world accepts enlarge, move, stretch_horizontal"), demo.output)
        XCTAssertTrue(demo.output.contains("the small black circle at the top, intentions from builtin; seed 1"), demo.output)
        let kinds = ["1 enlarge 0.57", "2 move 0.27", "3 stretch_horizontal 0.16"]
        let positions = kinds.map { demo.output.range(of: $0)?.lowerBound }
        XCTAssertFalse(positions.contains(nil), demo.output)
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted(), "ranked best first")
        XCTAssertEqual(status, 0, demo.output)
        for file in ["sheet.png", "edit.json", "1-enlarge.png", "2-move.png", "3-stretch_horizontal.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), file)
        }
        XCTAssertTrue(demo.output.contains("demo finished in"), demo.output)
    }

    func testServeLetsAnOutsideWorkerAndTheHealthCommandJoinOverIPC() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        let serve = try group.start("luciddrag", ["serve", "--bus", bus, "--worker-id", "embedded"], label: "serve")
        let outside = try group.worker("luciddrag-sampler", bus: bus, id: "outside-sampler")
        let client = try RPCClient(endpoint: BusEndpoint(bus))
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

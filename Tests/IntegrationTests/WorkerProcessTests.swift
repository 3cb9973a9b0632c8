// Load sharing and fail-over between worker PROCESSES of one service (lucid-bus-testworker, which
// can be made slow on demand with its Sleep method).
import Foundation
import LucidBus
import LucidProto
import SwiftProtobuf
import LucidTestSupport
import XCTest

/// The service lucid-bus-testworker serves.
private let service = "lucid.test.Echo"

final class WorkerProcessTests: XCTestCase {
    private func sleepRequest(_ milliseconds: Int64) -> Google_Protobuf_Duration {
        Google_Protobuf_Duration(seconds: milliseconds / 1000, nanos: Int32(milliseconds % 1000) * 1_000_000)
    }

    func testTwoWorkerProcessesOfOneServiceShareLoad() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        try group.worker("lucid-bus-testworker", bus: bus, id: "worker-a")
        try group.worker("lucid-bus-testworker", bus: bus, id: "worker-b")
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["worker-a", "worker-b"], of: service, client: client)

        let request = sleepRequest(300)
        let answers = try await withThrowingTaskGroup(of: String.self) { calls in
            for _ in 0..<4 {
                calls.addTask {
                    let reply: Google_Protobuf_StringValue = try await client.call(
                        service: service, method: "Sleep", request, deadline: .seconds(20))
                    return reply.value
                }
            }
            return try await calls.reduce(into: [String]()) { $0.append($1) }
        }
        XCTAssertEqual(answers.count, 4)
        XCTAssertEqual(Set(answers), ["worker-a", "worker-b"], "both processes should have served: \(answers)")
        await client.shutdown()
        await group.stopAll()
    }

    func testAKilledWorkerProcessRequestCompletesOnAnotherWorker() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        let a = try group.worker("lucid-bus-testworker", bus: bus, id: "worker-a")
        let b = try group.worker("lucid-bus-testworker", bus: bus, id: "worker-b")
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["worker-a", "worker-b"], of: service, client: client)

        let request = sleepRequest(2500)
        let call = Task {
            let reply: Google_Protobuf_StringValue = try await client.call(
                service: service, method: "Sleep", request, deadline: .seconds(30))
            return reply.value
        }
        // Find the process that took the request, and kill it mid-request.
        var victim: ChildProcess?
        let deadline = ContinuousClock.now + .seconds(10)
        while victim == nil, ContinuousClock.now < deadline {
            victim = [a, b].first { $0.output.contains("sleep started") }
            if victim == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard let victim else {
            call.cancel()
            return XCTFail("no worker started the request:\n\(group.output)")
        }
        let survivor = victim === a ? b : a
        victim.signal(SIGKILL)

        let answeredBy = try await call.value
        XCTAssertEqual(answeredBy, survivor.name, "the request should complete on the surviving worker")
        XCTAssertTrue(survivor.output.contains("sleep started"), survivor.output)
        let victimStatus = await victim.waitForExit(timeout: .seconds(5))
        XCTAssertNotEqual(victimStatus, 0)
        await client.shutdown()
        await group.stopAll()
    }
}

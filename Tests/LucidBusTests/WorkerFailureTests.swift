// Dead workers: their requests are re-queued to another worker, a bounded number of times.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class WorkerFailureTests: XCTestCase {
    /// Registers a raw worker that takes one request and then goes silent (no reply, no heartbeat).
    private func silentWorker(_ endpoint: BusEndpoint, service: String = echoService) throws -> RawPeer {
        let peer = try RawPeer(endpoint)
        try peer.send(MajordomoProtocol.workerReady(service: service))
        return peer
    }

    private func assertTookARequest(_ peer: RawPeer, file: StaticString = #filePath, line: UInt = #line) async throws {
        let request = try await peer.receiveSkippingHeartbeats(timeout: .seconds(10))
        XCTAssertEqual(request?.prefix(2).map { $0 }, [MajordomoProtocol.workerHeader, Data([0x02])], file: file, line: line)
    }

    func testASilentWorkersRequestCompletesOnAnotherWorker() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let silent = try silentWorker(endpoint)
        // The silent worker is the only one, so it takes the request.
        async let reply: Lucid_V1_Status = client.call(
            service: echoService, method: "Echo", status("survive"), deadline: .seconds(30))
        try await assertTookARequest(silent)
        let healthy = try makeEchoWorker(endpoint, id: "healthy")

        let message = try await reply.message
        XCTAssertEqual(message, "healthy:survive")

        await client.shutdown()
        await healthy.shutdown()
        await broker.shutdown()
    }

    func testAStoppedWorkersRequestCompletesOnAnotherWorker() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let started = AsyncStream<Void>.makeStream()
        let stopping = try makeEchoWorker(endpoint, id: "stopping")
        stopping.register(method: "Work") { (_: Lucid_V1_Status, _) -> Lucid_V1_Status in
            started.continuation.yield()
            try await Task.sleep(for: .seconds(60))
            return status("stopping")
        }
        async let reply: Lucid_V1_Status = client.call(
            service: echoService, method: "Work", status(""), deadline: .seconds(30))
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()

        let healthy = try makeEchoWorker(endpoint, id: "healthy")
        healthy.register(method: "Work") { (_: Lucid_V1_Status, _) in status("healthy") }
        await stopping.shutdown()

        let message = try await reply.message
        XCTAssertEqual(message, "healthy")

        await client.shutdown()
        await healthy.shutdown()
        await broker.shutdown()
    }

    func testARequestWhoseWorkersKeepDyingFailsUnavailable() async throws {
        let broker = try makeBroker(TestEndpoint.inproc()) { $0.maxRetries = 1 }
        let endpoint = broker.boundEndpoints[0]
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let first = try silentWorker(endpoint)
        let started = ContinuousClock.now
        async let outcome = rpcError {
            let _: Lucid_V1_Status = try await client.call(
                service: echoService, method: "Echo", status("doomed"), deadline: .seconds(30))
        }
        try await assertTookARequest(first)
        // Registered more than a heartbeat after the first, so the broker finds it alive when the
        // first expires and hands it the request.
        try await Task.sleep(for: fastHeartbeat.interval * 1.5)
        let second = try silentWorker(endpoint)
        try await assertTookARequest(second)

        let error = await outcome
        XCTAssertEqual(error?.code, .unavailable)
        XCTAssertLessThan(started.duration(to: .now), .seconds(20))

        await client.shutdown()
        await broker.shutdown()
    }

    func testAWorkerRegistersAgainWithARestartedBroker() async throws {
        let endpoint = try TestEndpoint.ipc()
        var broker = try makeBroker(endpoint)
        let worker = try makeEchoWorker(endpoint, id: "loyal")
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let before: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("1"), deadline: .seconds(20))
        XCTAssertEqual(before.message, "loyal:1")

        await broker.shutdown()
        broker = try makeBroker(endpoint)
        // The new broker knows no worker until the old one notices and sends READY again.
        let after: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("2"), deadline: .seconds(20))
        XCTAssertEqual(after.message, "loyal:2")

        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }
}

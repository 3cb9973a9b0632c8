// Health while busy: a worker in the middle of a long request answers Health through its control
// worker ("<service>/control"), which never receives anything but Health, and which leaves the
// broker with the worker.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class HealthWhileBusyTests: XCTestCase {
    func testAWorkerSleepingFiveSecondsInARequestAnswersHealthWithinOneSecondAndReportsItBusy() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let worker = try makeEchoWorker(endpoint, id: "sleeper", model: "demo-world@0123456789abcdef")
        let started = AsyncStream<Void>.makeStream()
        worker.register(method: "Sleep") { (_: Lucid_V1_Status, _) -> Lucid_V1_Status in
            started.continuation.yield()
            try await Task.sleep(for: .seconds(5))
            return status("slept")
        }
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let idle = try await client.health(service: echoService, deadline: .seconds(5))
        XCTAssertEqual(idle.busy, 0)
        XCTAssertEqual(idle.model, "demo-world@0123456789abcdef")

        let sleeping = Task {
            try await client.call(service: echoService, method: "Sleep", status(""), returning: Lucid_V1_Status.self,
                                  deadline: .seconds(30))
        }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
        let asked = ContinuousClock.now
        let health = try await client.health(service: echoService, deadline: .seconds(1))
        XCTAssertLessThan(asked.duration(to: .now), .seconds(1))
        XCTAssertEqual(health.status, .serving)
        XCTAssertEqual(health.service, echoService)
        XCTAssertEqual(health.workerID, "sleeper")
        XCTAssertEqual(health.model, "demo-world@0123456789abcdef")
        XCTAssertEqual(health.busy, 1)

        sleeping.cancel()
        let error = await rpcError { _ = try await sleeping.value }
        XCTAssertEqual(error?.code, .cancelled)
        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }

    func testTheControlWorkerAnswersNothingButHealth() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let worker = try makeEchoWorker(endpoint, id: "w")
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let control = ControlService.name(of: echoService)

        let health = try await client.health(service: control, deadline: .seconds(5))
        XCTAssertEqual(health.workerID, "w")
        let error = await rpcError {
            let _: Lucid_V1_Status = try await client.call(service: control, method: "Echo", status("x"), deadline: .seconds(5))
        }
        XCTAssertEqual(error, RPCError(code: .unimplemented,
                                       message: "lucid.test.Echo/control serves only Health; call lucid.test.Echo"))

        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }

    func testTheBrokerRoutesOnlyHealthToTheControlWorkerAndOnlyWhileTheServiceIsBusy() async throws {
        // Slow heartbeats, so that the raw workers below stay registered without heartbeating.
        let broker = try makeBroker(TestEndpoint.inproc()) { $0.heartbeat = Heartbeat(interval: .seconds(10), liveness: 3) }
        let endpoint = broker.boundEndpoints[0]
        let work = try RawPeer(endpoint)
        try work.send(MajordomoProtocol.workerReady(service: echoService))
        let control = try RawPeer(endpoint)
        try control.send(MajordomoProtocol.workerReady(service: ControlService.name(of: echoService)))
        let client = try RawPeer(endpoint)
        func call(_ method: String, _ id: String) throws {
            try client.send(MajordomoProtocol.clientRequest(service: echoService, body: [try envelope(method, id)]))
        }

        // An idle worker of the service takes Health itself.
        try call("Health", "h1")
        try await answer(work, "h1", to: client, address: try await expect(work, takes: "Health h1"))

        // Busy with an Edit, the worker holds the next Edit back; Health goes to the control worker.
        try call("Edit", "e1")
        let e1 = try await expect(work, takes: "Edit e1")
        try call("Edit", "e2")
        try call("Health", "h2")
        try call("Health", "h3")
        try await answer(control, "h2", to: client, address: try await expect(control, takes: "Health h2"))
        // A Health queued while the control worker was busy goes there once it is free, not behind e1.
        try await answer(control, "h3", to: client, address: try await expect(control, takes: "Health h3"))

        // The Edit waiting goes to the service's worker when it is free; the control worker gets nothing more.
        try await answer(work, "e1", to: client, address: e1)
        _ = try await expect(work, takes: "Edit e2")
        let stray = try await control.receiveSkippingHeartbeats(timeout: .milliseconds(300))
        XCTAssertNil(stray)

        await broker.shutdown()
    }

    func testShuttingAWorkerDownDeregistersItsControlWorker() async throws {
        let fake = try await FakeBroker()
        await fake.worker.shutdown()
        var disconnected = Set<Data>()
        while disconnected.count < 2, let frames = try await receiveMessage(from: fake.router, timeout: .seconds(2)) {
            if Array(frames.dropFirst()) == MajordomoProtocol.workerSignal(.disconnect) { disconnected.insert(frames[0]) }
        }
        XCTAssertEqual(disconnected, [fake.serviceSocket, fake.controlSocket])
        fake.router.close()
    }

    // MARK: Raw MDP helpers

    private func envelope(_ method: String, _ requestID: String) throws -> Data {
        var envelope = Lucid_V1_RequestEnvelope()
        envelope.method = method
        envelope.requestID = requestID
        return try envelope.serializedData()
    }

    /// Checks that the next request `worker` receives is "<method> <request id>" `expected`;
    /// returns the client's address to answer it.
    private func expect(_ worker: RawPeer, takes expected: String,
                        file: StaticString = #filePath, line: UInt = #line) async throws -> Data {
        let message = try await worker.receiveSkippingHeartbeats(timeout: .seconds(5))
        let frames = try XCTUnwrap(message, "\(expected) never arrived", file: file, line: line)
        let envelope = try Lucid_V1_RequestEnvelope(serializedBytes: frames[4])
        XCTAssertEqual("\(envelope.method) \(envelope.requestID)", expected, file: file, line: line)
        return frames[2]
    }

    /// Sends the FINAL for request `id` from `worker` to the client at `address`, and checks that
    /// `client` receives it under the service's name.
    private func answer(_ worker: RawPeer, _ id: String, to client: RawPeer, address: Data) async throws {
        var reply = Lucid_V1_ReplyEnvelope()
        reply.requestID = id
        try worker.send(MajordomoProtocol.workerReply(final: true, clientAddress: address, body: [try reply.serializedData()]))
        let message = try await client.receive()
        let frames = try XCTUnwrap(message, "no reply reached the client")
        XCTAssertEqual(Array(frames.prefix(3)),
                       [MajordomoProtocol.clientHeader, MajordomoProtocol.ClientCommand.final.frame, Data(echoService.utf8)])
        XCTAssertEqual(try Lucid_V1_ReplyEnvelope(serializedBytes: frames[3]).requestID, id)
    }
}

// Client deadlines and cancellation: the caller stops waiting at once, the handler is cancelled,
// and the worker is free for the next request.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

/// Records how a long handler ended.
private actor HandlerOutcomes {
    private(set) var started = 0
    private(set) var cancelled = 0
    func start() { started += 1 }
    func cancel() { cancelled += 1 }
}

final class DeadlineAndCancellationTests: XCTestCase {
    private var broker: MajordomoBroker!
    private var worker: ServiceWorker!
    private var client: RPCClient!
    private let outcomes = HandlerOutcomes()

    override func setUp() async throws {
        broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        worker = try makeEchoWorker(endpoint, id: "w")
        let outcomes = outcomes
        worker.register(method: "Long") { (_: Lucid_V1_Status, _) -> Lucid_V1_Status in
            await outcomes.start()
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                await outcomes.cancel()
                throw error
            }
            return status("finished")
        }
        worker.register(method: "Ticking") { (_: Lucid_V1_Status, context: RPCContext) -> Lucid_V1_Status in
            await outcomes.start()
            do {
                while true {
                    try context.sendProgress(status("tick"))
                    try await Task.sleep(for: .milliseconds(20))
                }
            } catch {
                await outcomes.cancel()
                throw error
            }
        }
        client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
    }

    override func tearDown() async throws {
        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }

    private func waitFor(_ condition: @escaping () async -> Bool) async throws {
        for _ in 0..<500 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTFail("condition not met within 10 s")
    }

    func testACallPastItsDeadlineFailsDeadlineExceededAndTheHandlerIsCancelled() async throws {
        let started = ContinuousClock.now
        let error = await rpcError {
            let _: Lucid_V1_Status = try await self.client.call(
                service: echoService, method: "Long", status(""), deadline: .milliseconds(400))
        }
        XCTAssertEqual(error?.code, .deadlineExceeded)
        XCTAssertLessThan(started.duration(to: .now), .seconds(5))
        try await waitFor { await self.outcomes.cancelled == 1 }

        let next: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("next"), deadline: .seconds(20))
        XCTAssertEqual(next.message, "w:next")
    }

    func testACallToAServiceWithoutWorkersFailsAtItsDeadline() async throws {
        let error = await rpcError {
            let _: Lucid_V1_Status = try await self.client.call(
                service: "lucid.test.Nobody", method: "Echo", status(""), deadline: .milliseconds(300))
        }
        XCTAssertEqual(error?.code, .deadlineExceeded)
    }

    func testARequestForAnUnservedServiceFailsUnavailableAfterTheQueueTimeout() async throws {
        let strict = try makeBroker(TestEndpoint.inproc()) { $0.unservedTimeout = .milliseconds(300) }
        let client = try RPCClient(endpoint: strict.boundEndpoints[0], logger: testLogger("client"))
        let error = await rpcError {
            let _: Lucid_V1_Status = try await client.call(service: "lucid.test.Nobody", method: "Echo", status(""))
        }
        XCTAssertEqual(error?.code, .unavailable)
        await client.shutdown()
        await strict.shutdown()
    }

    func testARequestWithALongDeadlineFailsUnavailableSoonAfterTheServicesLastWorkerLeft() async throws {
        let strict = try makeBroker(TestEndpoint.inproc()) { $0.unservedTimeout = .milliseconds(500) }
        let endpoint = strict.boundEndpoints[0]
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let first = try makeEchoWorker(endpoint, id: "first")
        let answer: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("a"), deadline: .seconds(20))
        XCTAssertEqual(answer.message, "first:a")
        await first.shutdown()  // DISCONNECT: the service has no worker now

        let started = ContinuousClock.now
        let error = await rpcError {
            let _: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("b"), deadline: .seconds(60))
        }
        XCTAssertEqual(error?.code, .unavailable)
        XCTAssertLessThan(started.duration(to: .now), .seconds(3), "failed at once after the grace period, not at the 60 s deadline")

        // A worker that comes back within the grace period gets the request that waited for it.
        let waiting = Task {
            let reply: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("c"), deadline: .seconds(60))
            return reply.message
        }
        try await Task.sleep(for: .milliseconds(200))
        let second = try makeEchoWorker(endpoint, id: "second")
        let message = try await waiting.value
        XCTAssertEqual(message, "second:c")
        await second.shutdown()
        await client.shutdown()
        await strict.shutdown()
    }

    func testARequestBeyondTheQueueLimitIsRefusedResourceExhaustedAtOnceAndHealthIsNot() async throws {
        let strict = try makeBroker(TestEndpoint.inproc()) { $0.maxQueuedRequests = 2 }
        let endpoint = strict.boundEndpoints[0]
        let busy = try makeEchoWorker(endpoint, id: "busy")
        let outcomes = outcomes
        busy.register(method: "Long") { (_: Lucid_V1_Status, _) -> Lucid_V1_Status in
            await outcomes.start()
            try await Task.sleep(for: .seconds(60))
            return status("finished")
        }
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        var calls: [Task<Void, Error>] = []
        for _ in 0..<3 {  // one runs, two wait
            calls.append(Task {
                let _: Lucid_V1_Status = try await client.call(service: echoService, method: "Long", status(""), deadline: .seconds(60))
            })
            if calls.count == 1 { try await waitFor { await outcomes.started == 1 } }
        }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        let refused = await rpcError {
            let _: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("one too many"), deadline: .seconds(30))
        }
        XCTAssertEqual(refused?.code, .resourceExhausted)
        XCTAssertLessThan(started.duration(to: .now), .seconds(2))
        let health = try await client.health(service: echoService, deadline: .seconds(5))
        XCTAssertEqual(health.workerID, "busy", "Health is answered by the busy worker's control socket")
        calls.forEach { $0.cancel() }
        for call in calls { _ = await call.result }
        await client.shutdown()
        await busy.shutdown()
        await strict.shutdown()
    }

    func testCancellingTheCallingTaskCancelsTheCallAndTheHandler() async throws {
        let client: RPCClient = self.client
        let call = Task {
            let _: Lucid_V1_Status = try await client.call(
                service: echoService, method: "Long", status(""), deadline: .seconds(60))
        }
        try await waitFor { await self.outcomes.started == 1 }
        let cancelledAt = ContinuousClock.now
        call.cancel()
        do {
            try await call.value
            XCTFail("a cancelled call returned a result")
        } catch let error as RPCError {
            XCTAssertEqual(error.code, .cancelled)
        }
        XCTAssertLessThan(cancelledAt.duration(to: .now), .seconds(2))
        // The broker forwarded the cancel notice, so the handler stops long before its 60 s.
        try await waitFor { await self.outcomes.cancelled == 1 }

        let next: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("next"), deadline: .seconds(20))
        XCTAssertEqual(next.message, "w:next")
    }

    func testAClientWhoseConnectionClosesMidRequestHasItsWorkCancelled() async throws {
        var peer: RawPeer? = try RawPeer(broker.boundEndpoints[0])
        var envelope = Lucid_V1_RequestEnvelope()
        envelope.method = "Ticking"
        envelope.requestID = "vanishing-client"
        envelope.payload = try status("").serializedData()
        try peer?.send(MajordomoProtocol.clientRequest(service: echoService, body: [try envelope.serializedData()]))
        let partial = try await peer?.receive(timeout: .seconds(10))
        XCTAssertEqual(partial.flatMap { MajordomoProtocol.commandByte($0[1]) }, MajordomoProtocol.ClientCommand.partial.rawValue)
        peer = nil  // closes the socket without a word, as a killed process would
        try await waitFor { await self.outcomes.cancelled == 1 }

        let next: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("next"), deadline: .seconds(20))
        XCTAssertEqual(next.message, "w:next", "the worker is free again")
    }

    func testAWorkerThatAnswersACancelNoticeCannotSpoilItsNextRequest() async throws {
        let endpoint = broker.boundEndpoints[0]
        let naive = try RawPeer(endpoint)
        try naive.send(MajordomoProtocol.workerReady(service: "lucid.test.Naive"))
        func nextRequest() async throws -> (client: Data, envelope: Lucid_V1_RequestEnvelope) {
            let received = try await naive.receiveSkippingHeartbeats(timeout: .seconds(10))
            let frames = try XCTUnwrap(received)
            return (frames[2], try Lucid_V1_RequestEnvelope(serializedBytes: frames[4]))
        }
        func answer(_ client: Data, requestID: String, _ text: String) throws {
            var reply = Lucid_V1_ReplyEnvelope()
            reply.requestID = requestID
            reply.payload = try status(text).serializedData()
            try naive.send(MajordomoProtocol.workerReply(final: true, clientAddress: client, body: [try reply.serializedData()]))
        }

        let client: RPCClient = self.client
        let first = Task {
            let _: Lucid_V1_Status = try await client.call(
                service: "lucid.test.Naive", method: "Echo", status("first"), deadline: .seconds(30))
        }
        let (address, original) = try await nextRequest()
        first.cancel()
        let cancelled = await rpcError { try await first.value }
        XCTAssertEqual(cancelled?.code, .cancelled)
        let (_, notice) = try await nextRequest()
        XCTAssertTrue(notice.cancel)
        XCTAssertEqual(notice.requestID, original.requestID)
        try answer(address, requestID: original.requestID, "late")  // frees the worker; discarded

        async let second: Lucid_V1_Status = client.call(
            service: "lucid.test.Naive", method: "Echo", status("second"), deadline: .seconds(30))
        let (_, next) = try await nextRequest()
        XCTAssertFalse(next.cancel)
        try answer(address, requestID: notice.requestID, "stray")  // a naive reply to the cancel notice
        try answer(address, requestID: next.requestID, "right")
        let reply = try await second
        XCTAssertEqual(reply.message, "right")
    }
}

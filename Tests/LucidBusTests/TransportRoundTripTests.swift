// Round trips through the broker on each transport, by the RPC layer and by raw MDP/0.2 frames.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class TransportRoundTripTests: XCTestCase {
    private func assertRoundTrip(bindingTo endpoint: BusEndpoint) async throws {
        let broker = try makeBroker(endpoint)
        let connectTo = broker.boundEndpoints[0]
        let worker = try makeEchoWorker(connectTo, id: "w1")
        let client = try RPCClient(endpoint: connectTo, logger: testLogger("client"))

        let reply: Lucid_V1_Status = try await client.call(
            service: echoService, method: "Echo", status("hello"), deadline: .seconds(20))
        XCTAssertEqual(reply.message, "w1:hello")

        let health = try await client.health(service: echoService, deadline: .seconds(20))
        XCTAssertEqual(health.status, .serving)
        XCTAssertEqual(health.service, echoService)
        XCTAssertEqual(health.workerID, "w1")

        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }

    func testRoundTripOverInproc() async throws {
        try await assertRoundTrip(bindingTo: TestEndpoint.inproc())
    }

    func testRoundTripOverIPC() async throws {
        try await assertRoundTrip(bindingTo: TestEndpoint.ipc())
    }

    func testRoundTripOverTCPOnAnEphemeralPort() async throws {
        try await assertRoundTrip(bindingTo: TestEndpoint.tcp)
    }

    func testRawMDPClientAndWorkerExchangeExactRFC18Frames() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let worker = try RawPeer(endpoint)
        try worker.send(MajordomoProtocol.workerReady(service: "raw.echo"))
        let client = try RawPeer(endpoint)
        try client.send(MajordomoProtocol.clientRequest(service: "raw.echo", body: [Data("a".utf8), Data("b".utf8)]))

        let request = try await worker.receiveSkippingHeartbeats()
        let unwrapped = try XCTUnwrap(request)
        XCTAssertEqual(unwrapped.count, 6)
        XCTAssertEqual(Array(unwrapped[0...1]), [MajordomoProtocol.workerHeader, Data([0x02])])
        XCTAssertEqual(unwrapped[3], Data())
        XCTAssertEqual(Array(unwrapped[4...]), [Data("a".utf8), Data("b".utf8)])
        let clientAddress = unwrapped[2]

        try worker.send(MajordomoProtocol.workerReply(final: false, clientAddress: clientAddress, body: [Data("half".utf8)]))
        try worker.send(MajordomoProtocol.workerReply(final: true, clientAddress: clientAddress, body: [Data("done".utf8)]))
        let partial = try await client.receive()
        XCTAssertEqual(partial, [MajordomoProtocol.clientHeader, Data([0x02]), Data("raw.echo".utf8), Data("half".utf8)])
        let final = try await client.receive()
        XCTAssertEqual(final, [MajordomoProtocol.clientHeader, Data([0x03]), Data("raw.echo".utf8), Data("done".utf8)])
        await broker.shutdown()
    }
}

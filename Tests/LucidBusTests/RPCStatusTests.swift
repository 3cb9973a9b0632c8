// How handler outcomes and bad calls map to status codes; a failing handler never stops a worker.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

private struct Meltdown: Error {}

final class RPCStatusTests: XCTestCase {
    func testHandlerErrorsUnknownMethodsAndUndecodablePayloadsGetTheirStatus() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let worker = try makeEchoWorker(endpoint, id: "w")
        worker.register(method: "Refuse") { (request: Lucid_V1_Status, _) -> Lucid_V1_Status in
            throw RPCError(code: request.code, message: request.message)
        }
        worker.register(method: "Crash") { (_: Lucid_V1_Status, _) -> Lucid_V1_Status in throw Meltdown() }
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))

        let refused = await rpcError {
            let _: Lucid_V1_Status = try await client.call(
                service: echoService, method: "Refuse", status("bad points", code: .invalidArgument), deadline: .seconds(20))
        }
        XCTAssertEqual(refused, RPCError(code: .invalidArgument, message: "bad points"))

        let crashed = await rpcError {
            let _: Lucid_V1_Status = try await client.call(service: echoService, method: "Crash", status(""), deadline: .seconds(20))
        }
        XCTAssertEqual(crashed?.code, .internal)

        let unknown = await rpcError {
            let _: Lucid_V1_Status = try await client.call(service: echoService, method: "Nope", status(""), deadline: .seconds(20))
        }
        XCTAssertEqual(unknown?.code, .unimplemented)

        // A payload that is no protobuf at all (wire type 7 does not exist), sent by hand.
        var envelope = Lucid_V1_RequestEnvelope()
        envelope.method = "Echo"
        envelope.requestID = "raw-1"
        envelope.payload = Data([0xFF, 0xFF, 0xFF])
        let raw = try RawPeer(endpoint)
        try raw.send(MajordomoProtocol.clientRequest(service: echoService, body: [try envelope.serializedData()]))
        let received = try await raw.receive(timeout: .seconds(20))
        let answer = try XCTUnwrap(received)
        let reply = try Lucid_V1_ReplyEnvelope(serializedBytes: answer[3])
        XCTAssertEqual(reply.requestID, "raw-1")
        XCTAssertEqual(reply.status.code, .invalidArgument)

        let alive: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("alive"), deadline: .seconds(20))
        XCTAssertEqual(alive.message, "w:alive")

        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }
}

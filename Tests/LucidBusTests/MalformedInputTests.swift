// Garbage on the broker's socket is logged and dropped; the broker keeps serving.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class MalformedInputTests: XCTestCase {
    func testTheBrokerKeepsServingAfterMalformedFrames() async throws {
        let broker = try makeBroker(TestEndpoint.tcp)
        let endpoint = broker.boundEndpoints[0]
        let worker = try makeEchoWorker(endpoint, id: "w")
        let vandal = try RawPeer(endpoint)
        let junk: [Frames] = [
            [Data([0xFF, 0x00, 0x13])],                                                    // one garbage frame
            [Data("MDPX99".utf8), Data([0x01]), Data("svc".utf8), Data()],                // wrong header
            [MajordomoProtocol.clientHeader, Data([0x07]), Data(echoService.utf8), Data()], // unknown client command
            [MajordomoProtocol.clientHeader, Data([0x01, 0x01]), Data(echoService.utf8), Data()], // two-byte command
            [MajordomoProtocol.clientHeader, Data([0x01]), Data(echoService.utf8)],       // REQUEST without body
            [MajordomoProtocol.clientHeader, Data([0x01]), Data([0xC3, 0x28]), Data()],   // service not UTF-8
            [MajordomoProtocol.workerHeader, Data([0x09])],                                // unknown worker command
            [MajordomoProtocol.workerHeader, Data([0x01]), Data()],                        // READY without service
            [MajordomoProtocol.workerHeader, Data([0x04]), Data([1, 2, 3])],               // FINAL from a stranger
            [MajordomoProtocol.workerHeader],                                              // header only
            [Data(), Data(), Data(), Data(), Data()],                                      // empty frames
            [MajordomoProtocol.clientHeader, Data([0x01]), Data(echoService.utf8), Data("not an envelope".utf8)],
        ]
        for frames in junk { try vandal.send(frames) }

        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let reply: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("still here"), deadline: .seconds(20))
        XCTAssertEqual(reply.message, "w:still here")

        // The opaque body reached the worker, which answered INVALID_ARGUMENT; a stranger's FINAL got DISCONNECT.
        var answers: [Frames] = []
        while let frames = try await vandal.receive(timeout: .milliseconds(500)) { answers.append(frames) }
        XCTAssertTrue(answers.contains(MajordomoProtocol.workerSignal(.disconnect)), "answers: \(answers)")
        let invalid = try answers.filter { $0.first == MajordomoProtocol.clientHeader }.map {
            try Lucid_V1_ReplyEnvelope(serializedBytes: $0[3]).status.code
        }
        XCTAssertEqual(invalid, [.invalidArgument])

        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }

    func testAWorkerIgnoresMalformedMessagesFromItsBroker() async throws {
        // A fake broker: a ROUTER the worker connects to; it sends junk, then a real request.
        let fake = try await FakeBroker()
        let (router, worker, identity) = (fake.router, fake.worker, fake.serviceSocket)
        for junk: Frames in [[Data("nope".utf8)], [MajordomoProtocol.workerHeader, Data([0x42])],
                             [MajordomoProtocol.workerHeader, Data([0x02]), Data([9])]] {
            try router.send([identity] + junk)
        }
        var envelope = Lucid_V1_RequestEnvelope()
        envelope.method = "Echo"
        envelope.requestID = "r1"
        envelope.payload = try status("ok").serializedData()
        try router.send([identity, MajordomoProtocol.workerHeader, Data([0x02]), Data("client".utf8), Data(),
                         try envelope.serializedData()])
        var reply: Frames = []
        repeat { reply = try await Self.receive(router) } while reply.count == 3  // skip heartbeats
        XCTAssertEqual(Array(reply[1...4]), [MajordomoProtocol.workerHeader, Data([0x04]), Data("client".utf8), Data()])
        let answer = try Lucid_V1_ReplyEnvelope(serializedBytes: reply[5])
        XCTAssertEqual(answer.requestID, "r1")
        XCTAssertEqual(try Lucid_V1_Status(serializedBytes: answer.payload).message, "w:ok")
        await worker.shutdown()
        router.close()
    }

    private static func receive(_ socket: ZMQSocket) async throws -> Frames {
        guard let frames = try await receiveMessage(from: socket, timeout: .seconds(10)) else { throw BusError.closed }
        return frames
    }
}

// The broker reads method, request id, deadline and cancel off the wire exactly as swift-protobuf wrote them.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class RequestMetadataTests: XCTestCase {
    func testTheBrokerReadsTheEnvelopeFieldsItActsOn() throws {
        var envelope = Lucid_V1_RequestEnvelope()
        envelope.method = "Edit"
        envelope.requestID = "req-ü-1"
        envelope.traceID = "trace"
        envelope.deadlineUnixMs = 1_900_000_000_123
        envelope.payload = Data(repeating: 0xAB, count: 70_000)
        envelope.cancel = true
        let metadata = RequestMetadata(body: [try envelope.serializedData()])
        XCTAssertEqual(metadata.method, "Edit")
        XCTAssertEqual(metadata.requestID, "req-ü-1")
        XCTAssertEqual(metadata.deadlineUnixMilliseconds, 1_900_000_000_123)
        XCTAssertTrue(metadata.isCancel)
    }

    func testBodiesThatAreNotAnEnvelopeCarryNoMetadata() {
        for body: Frames in [[Data([0xFF, 0xFF, 0xFF])], [Data("hello".utf8)], [Data([0x12, 0x05, 0x61])],
                             [Data(), Data()], []] {
            let metadata = RequestMetadata(body: body)
            XCTAssertEqual(metadata.method, "", "\(body)")
            XCTAssertEqual(metadata.requestID, "", "\(body)")
            XCTAssertEqual(metadata.deadlineUnixMilliseconds, 0)
            XCTAssertFalse(metadata.isCancel)
        }
    }
}

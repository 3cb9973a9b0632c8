// The MDP/0.2 frame layouts, checked byte for byte against RFC 18.

import Foundation
import XCTest
@testable import LucidBus

final class MajordomoProtocolTests: XCTestCase {
    func testClientRequestHasTheRFC18Layout() {
        let frames = MajordomoProtocol.clientRequest(service: "echo", body: [Data([7, 8])])
        XCTAssertEqual(frames, [Data("MDPC02".utf8), Data([0x01]), Data("echo".utf8), Data([7, 8])])
    }

    func testWorkerReadyAndRepliesHaveTheRFC18Layout() {
        XCTAssertEqual(MajordomoProtocol.workerReady(service: "echo"),
                       [Data("MDPW02".utf8), Data([0x01]), Data("echo".utf8)])
        XCTAssertEqual(MajordomoProtocol.workerReply(final: false, clientAddress: Data([1, 2]), body: [Data([9])]),
                       [Data("MDPW02".utf8), Data([0x03]), Data([1, 2]), Data(), Data([9])])
        XCTAssertEqual(MajordomoProtocol.workerReply(final: true, clientAddress: Data([1, 2]), body: [Data([9])]),
                       [Data("MDPW02".utf8), Data([0x04]), Data([1, 2]), Data(), Data([9])])
        XCTAssertEqual(MajordomoProtocol.workerSignal(.heartbeat), [Data("MDPW02".utf8), Data([0x05])])
        XCTAssertEqual(MajordomoProtocol.workerSignal(.disconnect), [Data("MDPW02".utf8), Data([0x06])])
    }
}

// Multipart frames survive a round trip unchanged, small and large (zero-copy) alike.

import Foundation
import XCTest
@testable import LucidBus

final class ZMQSocketTests: XCTestCase {
    func testFramesOfEverySizeArriveIntactOverEachTransport() async throws {
        for endpoint in [TestEndpoint.inproc(), try TestEndpoint.ipc(), TestEndpoint.tcp] {
            let router = try ZMQContext.shared.socket(.router)
            let bound = try router.bind(endpoint)
            let dealer = try ZMQContext.shared.socket(.dealer)
            try dealer.connect(bound)
            let frames: Frames = [Data(), Data([1]), Data(repeating: 7, count: ZMQSocket.zeroCopyThreshold - 1),
                                  Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0) }),
                                  Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 3) })[1000..<9000]]
            try dealer.send(frames)
            let received = try await BusBenchmark.onThread("receive") { () -> Frames? in
                guard try pollReadable([.socket(router)], timeoutMilliseconds: 10_000)[0] else { return nil }
                return try router.receive()
            }
            XCTAssertEqual(received.map { Array($0.dropFirst()) }, frames, "\(endpoint)")
            dealer.close()
            router.close()
        }
    }
}

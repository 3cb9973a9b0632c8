// The broker's size limit: oversized requests and replies come back as RESOURCE_EXHAUSTED.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class MessageSizeTests: XCTestCase {
    func testOversizedRequestsAndRepliesFailResourceExhausted() async throws {
        let limit = 64 * 1024
        let broker = try makeBroker(TestEndpoint.ipc()) { $0.maxMessageSize = limit }
        let endpoint = broker.boundEndpoints[0]
        let worker = try makeEchoWorker(endpoint, id: "w")
        worker.register(method: "Inflate") { (request: Lucid_V1_Status, _) in
            status(String(repeating: "x", count: (Int(request.message) ?? 0) * 1024))  // message = KiB wanted
        }
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))

        let big = status(String(repeating: "y", count: limit + 1))
        let requestError = await rpcError {
            let _: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", big, deadline: .seconds(20))
        }
        XCTAssertEqual(requestError?.code, .resourceExhausted)

        let replyError = await rpcError {
            let small: Lucid_V1_Status = try await client.call(
                service: echoService, method: "Inflate", status("16"), deadline: .seconds(20))
            XCTAssertEqual(small.message.count, 16 * 1024)
            let _: Lucid_V1_Status = try await client.call(
                service: echoService, method: "Inflate", status("100"), deadline: .seconds(20))
        }
        XCTAssertEqual(replyError?.code, .resourceExhausted)

        // Messages just under the limit still pass, and the worker is still serving.
        let fits: Lucid_V1_Status = try await client.call(
            service: echoService, method: "Echo", status(String(repeating: "z", count: limit - 1024)), deadline: .seconds(20))
        XCTAssertEqual(fits.message.count, limit - 1024 + 2)

        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }
}

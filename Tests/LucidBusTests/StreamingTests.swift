// PARTIAL replies carry progress, in order, before the FINAL result.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class StreamingTests: XCTestCase {
    func testProgressArrivesInOrderBeforeTheResult() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let worker = try makeEchoWorker(endpoint, id: "w")
        worker.register(method: "Count") { (request: Lucid_V1_Status, context) -> Lucid_V1_HealthResponse in
            for step in 1...5 {
                var progress = Lucid_V1_Status()
                progress.message = "step \(step)"
                try context.sendProgress(progress)
            }
            var result = Lucid_V1_HealthResponse()
            result.service = "counted to 5 for \(context.requestID.isEmpty ? "?" : "caller")"
            return result
        }
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))

        var progress: [String] = []
        var result: Lucid_V1_HealthResponse?
        for try await event in client.stream(service: echoService, method: "Count", status(""),
                                             progress: Lucid_V1_Status.self, returning: Lucid_V1_HealthResponse.self,
                                             deadline: .seconds(20)) {
            switch event {
            case .progress(let step):
                XCTAssertNil(result, "progress after the result")
                progress.append(step.message)
            case .result(let final):
                result = final
            }
        }
        XCTAssertEqual(progress, (1...5).map { "step \($0)" })
        XCTAssertEqual(result?.service, "counted to 5 for caller")

        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }

    func testAStreamEndsWithTheHandlersErrorAfterItsProgress() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let worker = try makeEchoWorker(endpoint, id: "w")
        worker.register(method: "Stumble") { (_: Lucid_V1_Status, context) -> Lucid_V1_Status in
            try context.sendProgress(status("almost"))
            throw RPCError(code: .failedPrecondition, message: "no model loaded")
        }
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        var progress: [String] = []
        do {
            for try await event in client.stream(service: echoService, method: "Stumble", status(""),
                                                 progress: Lucid_V1_Status.self, returning: Lucid_V1_Status.self,
                                                 deadline: .seconds(20)) {
                if case .progress(let step) = event { progress.append(step.message) }
            }
            XCTFail("the stream ended without the error")
        } catch let error as RPCError {
            XCTAssertEqual(error, RPCError(code: .failedPrecondition, message: "no model loaded"))
        }
        XCTAssertEqual(progress, ["almost"])

        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }
}

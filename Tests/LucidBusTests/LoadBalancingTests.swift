// Many workers of one service share its requests.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class LoadBalancingTests: XCTestCase {
    func testTwoWorkersShareTheLoad() async throws {
        let broker = try makeBroker(TestEndpoint.inproc())
        let endpoint = broker.boundEndpoints[0]
        let workers = try ["a", "b"].map { id -> ServiceWorker in
            let worker = try makeEchoWorker(endpoint, id: id)
            worker.register(method: "Slow") { (request: Lucid_V1_Status, _) in
                try await Task.sleep(for: .milliseconds(30))
                return status(id)
            }
            return worker
        }
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        // Both workers must be registered before the burst, or the first would take it all.
        try await waitUntilBothServe(client)

        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let reply: Lucid_V1_Status = try await client.call(
                        service: echoService, method: "Slow", status(""), deadline: .seconds(30))
                    return reply.message
                }
            }
            return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        }
        XCTAssertEqual(answers.values.reduce(0, +), 16)
        XCTAssertGreaterThanOrEqual(answers["a"] ?? 0, 4, "worker a served \(answers)")
        XCTAssertGreaterThanOrEqual(answers["b"] ?? 0, 4, "worker b served \(answers)")

        await client.shutdown()
        for worker in workers { await worker.shutdown() }
        await broker.shutdown()
    }

    /// Polls Health until both workers have answered once.
    private func waitUntilBothServe(_ client: RPCClient) async throws {
        var seen = Set<String>()
        for _ in 0..<200 where seen.count < 2 {
            async let first = client.health(service: echoService, deadline: .seconds(10))
            async let second = client.health(service: echoService, deadline: .seconds(10))
            seen.insert(try await first.workerID)
            seen.insert(try await second.workerID)
        }
        XCTAssertEqual(seen, ["a", "b"])
    }
}

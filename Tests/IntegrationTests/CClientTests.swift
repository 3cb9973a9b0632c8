// The language-neutral proof: a C program (libzmq + protobuf-c, compiled here with cc) speaks
// MDP/0.2 to the Swift broker and decodes a Swift service's Health reply.
import Foundation
import LucidBus
import XCTest

final class CClientTests: XCTestCase {
    func testTheCClientGetsServingFromASwiftServiceOverIPC() async throws {
        let group = try ProcessGroup()
        let binary = try CClient.build(into: group.directory.url)
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-for-c")
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["reasoner-for-c"], of: "lucid.v1.Reasoner", client: client)
        await client.shutdown()

        let serving = try await CClient.run(binary, endpoint: bus, service: "lucid.v1.Reasoner")
        XCTAssertEqual(serving.status, 0, serving.output)
        XCTAssertTrue(serving.output.contains("service=lucid.v1.Reasoner worker=reasoner-for-c version=0.1.0"),
                      serving.output)
        XCTAssertTrue(serving.output.contains("status=SERVING"), serving.output)

        // A service nobody serves gets no reply before the client's timeout: exit status 2.
        let unserved = try await CClient.run(binary, endpoint: bus, service: "lucid.v1.Sampler", timeoutMilliseconds: 300)
        XCTAssertEqual(unserved.status, 2, unserved.output)
        await group.stopAll()
    }
}

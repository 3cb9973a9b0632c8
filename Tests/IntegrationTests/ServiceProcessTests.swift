// The service executables as real processes: each joins the gateway's broker on its own and answers
// Health, over ipc:// and tcp://; each stops cleanly on SIGTERM or SIGINT; a second broker on a
// live ipc:// endpoint is refused.
import Foundation
import LucidBus
import LucidProto
import LucidTestSupport
import XCTest

final class ServiceProcessTests: XCTestCase {
    private let workers = [
        ("luciddrag-reasoner", "lucid.v1.Reasoner"),
        ("luciddrag-sampler", "lucid.v1.Sampler"),
        ("luciddrag-discriminator", "lucid.v1.Discriminator"),
    ]

    func testEveryServiceStartedAsItsOwnProcessAnswersHealthOverIPC() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        for (executable, _) in workers {
            try group.worker(executable, bus: bus, id: "\(executable)-1")
        }
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        let expected = [("gateway", "lucid.v1.Gateway")] + workers.map { ("\($0.0)-1", $0.1) }
        for (workerID, service) in expected {
            try await group.waitForWorkers([workerID], of: service, client: client)
            let health = try await client.health(service: service, deadline: .seconds(5))
            XCTAssertEqual(health.status, .serving)
            XCTAssertEqual(health.service, service)
            XCTAssertEqual(health.workerID, workerID)
            XCTAssertEqual(health.version, "0.1.0")
            XCTAssertGreaterThan(health.uptimeSeconds, 0)
        }
        await client.shutdown()
        await group.stopAll()
    }

    func testAWorkerProcessReachesTheGatewayOverTCP() async throws {
        let group = try ProcessGroup()
        let ipc = group.directory.ipc()
        let tcp = "tcp://127.0.0.1:\(try TCPPort.free())"
        try group.gateway(bus: ipc, extra: [tcp])
        try group.worker("luciddrag-sampler", bus: tcp, id: "sampler-over-tcp")
        // The worker joined over tcp://; a client on ipc:// reaches it through the same broker.
        let client = try RPCClient(endpoint: BusEndpoint(ipc))
        try await group.waitForWorkers(["sampler-over-tcp"], of: "lucid.v1.Sampler", client: client)
        await client.shutdown()
        let tcpClient = try RPCClient(endpoint: BusEndpoint(tcp))
        let health = try await tcpClient.health(service: "lucid.v1.Sampler", deadline: .seconds(5))
        XCTAssertEqual(health.workerID, "sampler-over-tcp")
        await tcpClient.shutdown()
        await group.stopAll()
    }

    func testSIGTERMAndSIGINTStopServicesWithExitZeroAndRemoveTheSocketFile() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        let gateway = try group.gateway(bus: bus)
        let reasoner = try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["reasoner-1"], of: "lucid.v1.Reasoner", client: client)
        await client.shutdown()
        XCTAssertTrue(FileManager.default.fileExists(atPath: group.directory.socketPath()))

        reasoner.signal(SIGINT)
        let reasonerStatus = await reasoner.waitForExit(timeout: .seconds(10))
        XCTAssertEqual(reasonerStatus, 0, "reasoner after SIGINT:\n\(reasoner.output)")
        gateway.signal(SIGTERM)
        let gatewayStatus = await gateway.waitForExit(timeout: .seconds(10))
        XCTAssertEqual(gatewayStatus, 0, "gateway after SIGTERM:\n\(gateway.output)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: group.directory.socketPath()),
                       "the gateway left its socket file behind")
        XCTAssertFalse(FileManager.default.fileExists(atPath: group.directory.socketPath() + ".lock"),
                       "the gateway left its lock file behind")
        XCTAssertTrue(gateway.output.contains("received SIGTERM"), gateway.output)
    }

    func testASecondGatewayOnAnIPCEndpointALiveOneServesIsRefused() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus, label: "first")
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["first"], of: "lucid.v1.Gateway", client: client)

        let second = try group.gateway(bus: bus, label: "second")
        let status = await second.waitForExit(timeout: .seconds(10))
        XCTAssertEqual(status, 1, "the second gateway should refuse to start:\n\(second.output)")
        XCTAssertTrue(second.output.contains("already served by process"), second.output)

        // The first one is unharmed and still owns the endpoint.
        let health = try await client.health(service: "lucid.v1.Gateway", deadline: .seconds(5))
        XCTAssertEqual(health.workerID, "first")
        await client.shutdown()
        await group.stopAll()
    }
}

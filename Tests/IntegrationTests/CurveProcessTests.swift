// CURVE between processes: keys made by `luciddrag keys generate`, a gateway whose tcp:// endpoint
// lets in allow-listed workers only, and workers given their keys by flags.
import Foundation
import LucidBus
import LucidTestSupport
import XCTest

final class CurveProcessTests: XCTestCase {
    private let service = "lucid.test.Echo"

    func testAnAllowListedWorkerIsServedOverTCPAndAPlainOrUnknownOneIsNot() async throws {
        let group = try ProcessGroup()
        let keys = group.directory.url.appendingPathComponent("keys").path
        for name in ["gateway", "sampler-host", "stranger"] { try await generateKeys(name, in: keys, group: group) }
        let file = { (name: String) in "\(keys)/\(name)" }
        let secret = try FileManager.default.attributesOfItem(atPath: file("gateway.key_secret"))[.posixPermissions] as? Int
        XCTAssertEqual(secret, 0o600)

        let bus = group.directory.ipc()
        let tcp = "tcp://127.0.0.1:\(try TCPPort.free())"
        try group.start("luciddrag-gateway", [
            "--bus", bus, "--worker-id", "gateway", "--bind", tcp,
            "--curve-key-file", file("gateway.key_secret"), "--curve-allow", file("sampler-host.key"),
        ], label: "gateway")
        try group.worker("lucid-bus-testworker", bus: tcp, id: "allowed", [
            "--curve-key-file", file("sampler-host.key_secret"), "--curve-server-key", file("gateway.key"),
        ])
        try group.worker("lucid-bus-testworker", bus: tcp, id: "unknown-key", [
            "--curve-key-file", file("stranger.key_secret"), "--curve-server-key", file("gateway.key"),
        ])
        try group.worker("lucid-bus-testworker", bus: tcp, id: "plain")

        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["allowed"], of: service, client: client)
        try await Task.sleep(for: .seconds(1))  // five heartbeats: time enough for the others to have joined
        var served = Set<String>()
        for _ in 0..<12 {
            served.insert(try await client.health(service: service, deadline: .seconds(5)).workerID)
        }
        XCTAssertEqual(served, ["allowed"], "only the allow-listed worker may join over tcp://\n\(group.output)")
        XCTAssertTrue(group.output.contains("refused"), group.output)
        XCTAssertFalse(group.output.contains(try String(contentsOfFile: file("gateway.key_secret"), encoding: .utf8)
            .split(separator: "\"")[3]), "a secret key was logged")
        await client.shutdown()
        await group.stopAll()
    }

    func testTheHealthCommandWithClientKeysReachesTheGatewayOverTCPAndWithoutThemDoesNot() async throws {
        let group = try ProcessGroup()
        let keys = group.directory.url.appendingPathComponent("keys").path
        for name in ["gateway", "laptop"] { try await generateKeys(name, in: keys, group: group) }
        let tcp = "tcp://127.0.0.1:\(try TCPPort.free())"
        try group.start("luciddrag-gateway", [
            "--bus", group.directory.ipc(), "--worker-id", "gateway", "--bind", tcp,
            "--curve-key-file", "\(keys)/gateway.key_secret", "--curve-allow", "\(keys)/laptop.key",
        ], label: "gateway")

        let withKeys = try ChildProcess("luciddrag", [
            "health", "--bus", tcp, "--service", "gateway", "--timeout-ms", "10000",
            "--curve-key-file", "\(keys)/laptop.key_secret", "--curve-server-key", "\(keys)/gateway.key",
        ], in: group.directory.url, label: "health-with-keys")
        let served = await withKeys.waitForExit(timeout: .seconds(30))
        XCTAssertEqual(served, 0, withKeys.output + group.output)
        XCTAssertTrue(withKeys.output.contains("SERVING"), withKeys.output)

        let plain = try ChildProcess("luciddrag", ["health", "--bus", tcp, "--service", "gateway", "--timeout-ms", "1500"],
                                     in: group.directory.url, label: "health-plain")
        let refused = await plain.waitForExit(timeout: .seconds(30))
        XCTAssertNotEqual(refused, 0, plain.output)
        XCTAssertFalse(plain.output.contains(" SERVING "), plain.output)
        await group.stopAll()
    }

    func testAKeyFileWithoutItsCounterpartIsRefusedAtStart() async throws {
        let group = try ProcessGroup()
        let keys = group.directory.url.appendingPathComponent("keys").path
        try await generateKeys("w", in: keys, group: group)
        let worker = try group.worker("lucid-bus-testworker", bus: group.directory.ipc(), id: "w",
                                      ["--curve-key-file", "\(keys)/w.key_secret"])
        let status = await worker.waitForExit(timeout: .seconds(20))
        XCTAssertEqual(status, 64, worker.output)
        XCTAssertTrue(worker.output.contains("--curve-server-key"), worker.output)
    }

    /// Runs `luciddrag keys generate NAME --out folder`, as a user would.
    private func generateKeys(_ name: String, in folder: String, group: ProcessGroup) async throws {
        let generate = try ChildProcess(
            "luciddrag", ["keys", "generate", name, "--out", folder], in: group.directory.url, label: "keys-\(name)")
        let status = await generate.waitForExit(timeout: .seconds(20))
        XCTAssertEqual(status, 0, generate.output)
    }
}

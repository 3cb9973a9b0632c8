/// Faults around a drag edit, with real processes over ipc://: a dead reasoner is reported within
/// seconds (not at the deadline) and a new one is used at once; workers rejoin a restarted gateway;
/// a sampler stopped with SIGTERM mid-edit hands its edit back and nothing is lost; a client killed
/// mid-edit gets its work cancelled.
import Foundation
import LucidBus
import LucidProto
import LucidTestSupport
import XCTest

final class FaultRecoveryTests: XCTestCase {
    private func request(steps: UInt32) throws -> Lucid_V1_GatewayEditRequest {
        try Task0032.gatewayRequest(intentions: 1, steps: steps, seed: 5)
    }

    /// Gateway, reasoner and one sampler (no quality guidance) as processes on a new ipc:// bus,
    /// returned once the sampler and the reasoner answer Health.
    private func startServices(sampler samplerID: String = "sampler-1") async throws
        -> (group: ProcessGroup, bus: String, gateway: ChildProcess, reasoner: ChildProcess, sampler: ChildProcess, client: RPCClient) {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        let gateway = try group.gateway(bus: bus)
        let reasoner = try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        let sampler = try group.worker("luciddrag-sampler", bus: bus, id: samplerID, ["--quality", "none"])
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers([samplerID], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))
        try await group.waitForWorkers(["reasoner-1"], of: "lucid.v1.Reasoner", client: client)
        return (group, bus, gateway, reasoner, sampler, client)
    }

    func testADeadReasonerIsReportedUnavailableWithinSecondsAndAStartedOneServesAtOnce() async throws {
        let (group, bus, _, reasoner, _, client) = try await startServices()
        reasoner.signal(SIGKILL)
        _ = await reasoner.waitForExit(timeout: .seconds(5))
        let started = ContinuousClock.now
        var failure: RPCError?
        do {
            _ = try await client.gatewayEdit(request(steps: 2))
        } catch let error as RPCError {
            failure = error
        }
        let waited = started.duration(to: .now)
        print("a dead reasoner was reported after \(waited.seconds) s: \(failure?.message ?? "no error")")
        XCTAssertEqual(failure?.code, .unavailable, group.output)
        XCTAssertTrue(failure?.message.contains("reasoner") ?? false, failure?.message ?? "")
        // Heartbeat expiry (3 × 200 ms here) plus the broker's 3 s without workers, far below the 60 s deadline.
        XCTAssertLessThan(waited, .seconds(8))

        try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-2")
        try await group.waitForWorkers(["reasoner-2"], of: "lucid.v1.Reasoner", client: client)
        let result = try await client.gatewayEdit(request(steps: 2))
        XCTAssertEqual(result.edits.first?.status.code, .ok)
        await client.shutdown()
        await group.stopAll()
    }

    func testWorkersRejoinARestartedGatewayAndNewEditsWork() async throws {
        let (group, bus, gateway, _, _, first) = try await startServices()
        var client = first
        _ = try await client.gatewayEdit(request(steps: 2))
        await client.shutdown()

        await gateway.stop()
        try group.gateway(bus: bus, label: "gateway-2")
        let restarted = ContinuousClock.now
        client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["sampler-1"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(20))
        try await group.waitForWorkers(["reasoner-1"], of: "lucid.v1.Reasoner", client: client, timeout: .seconds(20))
        let rejoined = restarted.duration(to: .now)
        print("the workers rejoined the restarted gateway within \(rejoined.seconds) s (heartbeat 200 ms)")
        XCTAssertLessThan(rejoined, .seconds(5), "within a few heartbeats")
        let result = try await client.gatewayEdit(request(steps: 2))
        XCTAssertEqual(result.edits.first?.status.code, .ok, group.output)
        await client.shutdown()
        await group.stopAll()
    }

    func testASamplerStoppedWithSIGTERMMidEditHandsTheEditBack() async throws {
        let (group, bus, _, _, stopping, client) = try await startServices(sampler: "sampler-stopping")

        var signalled = false
        let result = try await client.gatewayEdit(request(steps: 30)) { progress in
            guard !signalled, progress.stage == "edit", progress.message == "sample", progress.step >= 2 else { return }
            signalled = true
            try group.worker("luciddrag-sampler", bus: bus, id: "sampler-other", ["--quality", "none"])
            try await group.waitForWorkers(["sampler-other"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))
            stopping.signal(SIGTERM)
        }
        XCTAssertTrue(signalled)
        let status = await stopping.waitForExit(timeout: .seconds(10))
        XCTAssertEqual(status, 0, "SIGTERM stops the sampler cleanly")
        XCTAssertEqual(result.edits.first?.status.code, .ok, (result.edits.first?.status.message ?? "") + group.output)
        XCTAssertEqual(result.edits.first?.workerID, "sampler-other")
        await client.shutdown()
        await group.stopAll()
    }

    func testAClientKilledMidEditHasItsEditCancelled() async throws {
        let (group, bus, _, _, _, client) = try await startServices()
        // 400 steps would keep the sampler busy for well over a minute.
        let caller = try ChildProcess("luciddrag", [
            "edit", Task0032.folder.appendingPathComponent("input.png").path,
            "--mask", Task0032.folder.appendingPathComponent("mask.png").path,
            "--drag", "60.04,33.2:55.99,32.44", "--intentions", "1", "--steps", "400", "--bus", bus,
            "--out", group.directory.url.appendingPathComponent("edit").path,
        ], in: group.directory.url, label: "client")
        try await waitUntil("the sampler is busy (client: \(caller.output))", timeout: .seconds(60)) {
            (try? await client.health(service: "lucid.v1.Sampler", deadline: .seconds(2)))?.busy == 1
        }
        caller.signal(SIGKILL)
        let killed = ContinuousClock.now
        try await waitUntil("the sampler is idle again", timeout: .seconds(20)) {
            (try? await client.health(service: "lucid.v1.Sampler", deadline: .seconds(2)))?.busy == 0
        }
        print("the sampler stopped \(killed.duration(to: .now).seconds) s after its client was killed")
        XCTAssertLessThan(killed.duration(to: .now), .seconds(10))
        await client.shutdown()
        await group.stopAll()
    }

    private func waitUntil(_ what: String, timeout: Duration, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw RPCError(code: .deadlineExceeded, message: "timed out: \(what)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

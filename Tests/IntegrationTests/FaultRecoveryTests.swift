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
    private static let task = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Benchmarks/data/drag-dev/task-0032")

    private func request(steps: UInt32) throws -> Lucid_V1_GatewayEditRequest {
        var request = Lucid_V1_GatewayEditRequest()
        request.image.encoded = try Data(contentsOf: Self.task.appendingPathComponent("input.png"))
        request.mask.encoded = try Data(contentsOf: Self.task.appendingPathComponent("mask.png"))
        request.pairs = [DiscScene.pair(60.04, 33.2, 55.99, 32.44)]
        request.numIntentions = 1
        request.options.steps = steps
        request.options.seed = 5
        return request
    }

    private func edit(_ request: Lucid_V1_GatewayEditRequest, client: RPCClient,
                      onProgress: (Lucid_V1_GatewayProgress) async throws -> Void = { _ in }) async throws -> Lucid_V1_GatewayEditResult {
        for try await event in client.stream(service: "lucid.v1.Gateway", method: "Edit", request,
                                             progress: Lucid_V1_GatewayEditReply.self,
                                             returning: Lucid_V1_GatewayEditReply.self, deadline: .seconds(300)) {
            switch event {
            case .progress(let reply): try await onProgress(reply.progress)
            case .result(let reply): return reply.result
            }
        }
        throw RPCError(code: .internal, message: "the stream ended without a result")
    }

    func testADeadReasonerIsReportedUnavailableWithinSecondsAndAStartedOneServesAtOnce() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        let reasoner = try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        try group.worker("luciddrag-sampler", bus: bus, id: "sampler-1", ["--quality", "none"])
        let client = try RPCClient(endpoint: bus)
        try await group.waitForWorkers(["sampler-1"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))
        try await group.waitForWorkers(["reasoner-1"], of: "lucid.v1.Reasoner", client: client)

        reasoner.signal(SIGKILL)
        _ = await reasoner.waitForExit(timeout: .seconds(5))
        let started = ContinuousClock.now
        var failure: RPCError?
        do {
            _ = try await edit(request(steps: 2), client: client)
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
        let result = try await edit(request(steps: 2), client: client)
        XCTAssertEqual(result.edits.first?.status.code, .ok)
        await client.shutdown()
        await group.stopAll()
    }

    func testWorkersRejoinARestartedGatewayAndNewEditsWork() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        let gateway = try group.gateway(bus: bus)
        try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        try group.worker("luciddrag-sampler", bus: bus, id: "sampler-1", ["--quality", "none"])
        var client = try RPCClient(endpoint: bus)
        try await group.waitForWorkers(["sampler-1"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))
        _ = try await edit(request(steps: 2), client: client)
        await client.shutdown()

        await gateway.stop()
        try group.gateway(bus: bus, label: "gateway-2")
        let restarted = ContinuousClock.now
        client = try RPCClient(endpoint: bus)
        try await group.waitForWorkers(["sampler-1"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(20))
        try await group.waitForWorkers(["reasoner-1"], of: "lucid.v1.Reasoner", client: client, timeout: .seconds(20))
        let rejoined = restarted.duration(to: .now)
        print("the workers rejoined the restarted gateway within \(rejoined.seconds) s (heartbeat 200 ms)")
        XCTAssertLessThan(rejoined, .seconds(5), "within a few heartbeats")
        let result = try await edit(request(steps: 2), client: client)
        XCTAssertEqual(result.edits.first?.status.code, .ok, group.output)
        await client.shutdown()
        await group.stopAll()
    }

    func testASamplerStoppedWithSIGTERMMidEditHandsTheEditBack() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        let stopping = try group.worker("luciddrag-sampler", bus: bus, id: "sampler-stopping", ["--quality", "none"])
        let client = try RPCClient(endpoint: bus)
        try await group.waitForWorkers(["sampler-stopping"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))

        var signalled = false
        let result = try await edit(request(steps: 30), client: client) { progress in
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
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        try group.worker("luciddrag-sampler", bus: bus, id: "sampler-1", ["--quality", "none"])
        let client = try RPCClient(endpoint: bus)
        try await group.waitForWorkers(["sampler-1"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))

        // 400 steps would keep the sampler busy for well over a minute.
        let caller = try ChildProcess("luciddrag", [
            "edit", Self.task.appendingPathComponent("input.png").path,
            "--mask", Self.task.appendingPathComponent("mask.png").path,
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

/// The bad-input corpus (Tests/Fixtures/fuzz/corpus.jsonl, written by make_corpus.py) against real
/// gateway, reasoner and sampler processes over ipc://: each case is sent by a raw DEALER, as a
/// client or as a rogue worker. Every case expected to fail gets a FINAL with a non-OK status, every
/// odd-but-decodable one gets a FINAL, malformed frames get nothing; no process dies, and afterwards
/// every service answers Health and a valid request still succeeds.
import Foundation
import LucidBus
import LucidProto
import LucidTestSupport
import XCTest

final class FuzzCorpusTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    private struct Case: Decodable {
        let id: String
        let role: String
        let expect: String
        let frames: [String]
    }

    func testEveryCaseOfTheCorpusIsAnsweredOrDroppedAndEveryServiceKeepsServing() async throws {
        let corpus = try String(contentsOf: Self.fixtures.appendingPathComponent("corpus.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONDecoder().decode(Case.self, from: Data($0.utf8)) }
        XCTAssertGreaterThan(corpus.count, 100)

        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        let gateway = try group.gateway(bus: bus)
        let reasoner = try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        let sampler = try group.worker("luciddrag-sampler", bus: bus, id: "sampler-1", ["--quality", "none"])
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["sampler-1"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))
        try await group.waitForWorkers(["reasoner-1"], of: "lucid.v1.Reasoner", client: client)

        var outcomes: [String: Int] = [:]
        for entry in corpus {
            let frames = try entry.frames.map { try XCTUnwrap(Data(base64Encoded: $0), entry.id) }
            let peer = try ZMQContext.shared.socket(.dealer)
            defer { peer.close() }
            try peer.set(.linger, 0)
            try peer.connect(BusEndpoint(bus))
            try peer.send(frames)
            let reply = try await finalReply(on: peer, timeout: entry.expect == "drop" ? .milliseconds(300) : .seconds(30))
            switch (entry.expect, reply) {
            case ("drop", nil):
                outcomes["dropped", default: 0] += 1
            case ("error", let status?) where status.code != .ok:
                outcomes["refused", default: 0] += 1
            case ("answer", let status?):
                outcomes[status.code == .ok ? "accepted" : "refused", default: 0] += 1
            default:
                XCTFail("\(entry.id): expected \(entry.expect), got \(reply.map { "\($0.code.name): \($0.message)" } ?? "no reply")")
            }
            XCTAssertTrue(gateway.isRunning && reasoner.isRunning && sampler.isRunning, "a process died at \(entry.id)\n\(group.output)")
        }
        print("fuzz corpus: \(corpus.count) cases, \(outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")

        for service in ["lucid.v1.Gateway", "lucid.v1.Reasoner", "lucid.v1.Sampler"] {
            let health = try await client.health(service: service, deadline: .seconds(5))
            XCTAssertEqual(health.status, .serving, service)
        }
        var valid = Lucid_V1_ReasonRequest()
        valid.image.encoded = try Data(contentsOf: Task0032.folder.appendingPathComponent("input.png"))
        valid.mask.encoded = try Data(contentsOf: Task0032.folder.appendingPathComponent("mask.png"))
        valid.pairs = [Task0032.pair]
        let answer: Lucid_V1_ReasonResponse = try await client.call(
            service: "lucid.v1.Reasoner", method: "Reason", valid, deadline: .seconds(30))
        XCTAssertFalse(answer.intentions.isEmpty)
        await client.shutdown()
        await group.stopAll()
    }

    /// The status of the first FINAL on `peer` within `timeout` (PARTIALs skipped), or nil.
    private func finalReply(on peer: ZMQSocket, timeout: Duration) async throws -> Lucid_V1_Status? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let frames = try peer.receive(dontWait: true) {
                // A client's reply: MDPC02, command, service, body.
                guard frames.count == 4, frames[1] == Data([0x03]) else { continue }
                return try Lucid_V1_ReplyEnvelope(serializedBytes: frames[3]).status
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}

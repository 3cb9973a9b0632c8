// Interoperability: a Python pyzmq worker, written from RFC 18 alone, registers with the Swift
// broker, heartbeats with it and answers with PARTIAL and FINAL (Tests/Fixtures/python).

import Foundation
import XCTest
@testable import LucidBus

final class PythonWorkerInteropTests: XCTestCase {
    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/python/mdp_echo_worker.py")

    func testAPythonMDPWorkerServesThroughTheBroker() async throws {
        let python = "/usr/bin/python3"
        let usable = try await BusBenchmark.onThread("python probe") { Self.pythonHasZeroMQ(python) }
        guard usable else { return XCTFail("needs /usr/bin/python3 with python3-zmq (scripts/setup.sh installs them)") }
        let broker = try makeBroker(TestEndpoint.ipc())
        let endpoint = broker.boundEndpoints[0]

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script.path, endpoint.description, "py.echo", "100", "3"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let firstLine = try await BusBenchmark.onThread("python stdout") {
            String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        XCTAssertEqual(firstLine.trimmingCharacters(in: .whitespacesAndNewlines), "ready")

        let (replies, sink) = AsyncStream<MajordomoReply>.makeStream()
        let client = try MajordomoClient(endpoint: endpoint, logger: testLogger("client")) { sink.yield($0) }
        var iterator = replies.makeAsyncIterator()
        for (round, word) in ["swift", "lucid"].enumerated() {
            if round > 0 {
                // Longer than the heartbeat expiry: only heartbeats in both directions keep the
                // Python worker registered and alive.
                try await Task.sleep(for: fastHeartbeat.expiry * 2)
            }
            client.send(service: "py.echo", body: [Data(word.utf8)])
            let partial = await iterator.next()
            XCTAssertEqual(partial?.isFinal, false)
            XCTAssertEqual(partial?.body, [Data("partial:\(word)".utf8)])
            let final = await iterator.next()
            XCTAssertEqual(final?.isFinal, true)
            XCTAssertEqual(final?.service, "py.echo")
            XCTAssertEqual(final?.body, [Data(String(word.reversed()).utf8)])
        }

        // On shutdown the broker sends DISCONNECT; the Python worker exits 0 on it.
        await client.shutdown()
        await broker.shutdown()
        let status = try await BusBenchmark.onThread("python exit") { () -> Int32 in
            process.waitUntilExit()
            return process.terminationStatus
        }
        XCTAssertEqual(status, 0)
    }

    private static func pythonHasZeroMQ(_ python: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import zmq"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }
}

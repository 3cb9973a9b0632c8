// The processes one integration test starts, with the flags every test shares (fast heartbeats),
// helpers to wait until workers have joined the bus, and a clean stop that checks each exit status.
import Foundation
import LucidBus
import LucidProto
import LucidTestSupport
import XCTest

/// Heartbeat flags for every process of a test: dead workers are found within about 600 ms.
let fastHeartbeatFlags = ["--heartbeat-ms", "200", "--heartbeat-liveness", "3"]

/// The child processes of one test and their scratch directory.
final class ProcessGroup {
    let directory: TestDirectory
    private(set) var processes: [ChildProcess] = []

    init() throws {
        directory = try TestDirectory()
    }

    /// Starts `executable` with `arguments` plus the fast-heartbeat flags.
    @discardableResult
    func start(_ executable: String, _ arguments: [String], label: String) throws -> ChildProcess {
        let child = try ChildProcess(executable, arguments + fastHeartbeatFlags, in: directory.url, label: label)
        processes.append(child)
        return child
    }

    /// Starts a gateway (the broker) on `bus`, binding `extra` endpoints too.
    @discardableResult
    func gateway(bus: String, extra: [String] = [], label: String = "gateway") throws -> ChildProcess {
        try start("luciddrag-gateway", ["--bus", bus, "--worker-id", label] + extra.flatMap { ["--bind", $0] }, label: label)
    }

    /// Starts a worker executable connected to `bus` under the worker id `id`.
    @discardableResult
    func worker(_ executable: String, bus: String, id: String, _ arguments: [String] = []) throws -> ChildProcess {
        try start(executable, ["--bus", bus, "--worker-id", id] + arguments, label: id)
    }

    /// Everything the processes printed, for failure messages.
    var output: String {
        processes.map { "--- \($0.name) ---\n\($0.output)" }.joined(separator: "\n")
    }

    /// SIGTERMs the processes still running, last started first, and checks that each exits 0.
    func stopAll(file: StaticString = #filePath, line: UInt = #line) async {
        for child in processes.reversed() where child.isRunning {
            await child.stop(file: file, line: line)
        }
    }

    /// Calls Health on `service` until every worker id in `ids` has answered (the broker hands each
    /// call to the worker idle longest, so registered workers take turns).
    func waitForWorkers(
        _ ids: Set<String>, of service: String, client: RPCClient, timeout: Duration = .seconds(20)
    ) async throws {
        var seen = Set<String>()
        let deadline = ContinuousClock.now + timeout
        while !ids.isSubset(of: seen) {
            guard ContinuousClock.now < deadline else {
                throw WorkersMissing(service: service, missing: ids.subtracting(seen).sorted(), output: output)
            }
            if let health = try? await client.health(service: service, deadline: .seconds(2)) {
                seen.insert(health.workerID)
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

/// Workers that never answered Health, with what every process of the test printed.
struct WorkersMissing: Error, CustomStringConvertible {
    let service: String
    let missing: [String]
    let output: String

    var description: String { "workers \(missing) of \(service) never answered; output:\n\(output)" }
}

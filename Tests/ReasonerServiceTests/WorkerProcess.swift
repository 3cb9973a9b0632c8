/// WorkerProcess: the reasoner workers the service tests start as real child processes — the built
/// `luciddrag-reasoner` or `luciddrag serve`, or the Python example worker run by Debian's python3.
import Foundation
import LucidBus
import LucidTestSupport

enum WorkerProcess {
    /// The `luciddrag-reasoner` built next to the test bundle.
    static func swift(endpoint: BusEndpoint, heartbeat: Heartbeat, in directory: URL, extra: [String] = []) throws -> ChildProcess {
        try ChildProcess("luciddrag-reasoner", ["--bus", endpoint.description] + flags(heartbeat) + extra, in: directory,
                         label: "swift-\(UUID().uuidString.prefix(4))")
    }

    /// `luciddrag serve`: broker and every service in one process, the broker also bound to `endpoint`.
    static func embedded(endpoint: BusEndpoint, heartbeat: Heartbeat, in directory: URL) throws -> ChildProcess {
        try ChildProcess("luciddrag", ["serve", "--bus", endpoint.description] + flags(heartbeat), in: directory, label: "serve")
    }

    /// Examples/python-reasoner-worker/reasoner_worker.py under /usr/bin/python3.
    static func python(endpoint: BusEndpoint, heartbeat: Heartbeat, in directory: URL) throws -> ChildProcess {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/python-reasoner-worker/reasoner_worker.py")
        return try ChildProcess(program: URL(fileURLWithPath: "/usr/bin/python3"),
                                [script.path, "--bus", endpoint.description] + flags(heartbeat),
                                in: directory, label: "python-\(UUID().uuidString.prefix(4))")
    }

    private static func flags(_ heartbeat: Heartbeat) -> [String] {
        let milliseconds = heartbeat.interval.components.seconds * 1000 + heartbeat.interval.components.attoseconds / 1_000_000_000_000_000
        return ["--heartbeat-ms", "\(milliseconds)", "--heartbeat-liveness", "\(heartbeat.liveness)"]
    }
}

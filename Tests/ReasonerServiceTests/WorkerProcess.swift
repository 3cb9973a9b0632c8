/// WorkerProcess: a reasoner worker started by a test as a real child process — the built
/// `luciddrag-reasoner`, or the Python example worker run by Debian's python3 — with its output in a log.
import Foundation
import LucidBus
import XCTest

final class WorkerProcess {
    let process = Process()
    let logURL: URL

    private init(executable: URL, arguments: [String], log: URL) throws {
        logURL = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LUCID_BUS")
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The `luciddrag-reasoner` built next to the test bundle.
    static func swift(endpoint: String, heartbeat: Heartbeat, in directory: URL, extra: [String] = []) throws -> WorkerProcess {
        try WorkerProcess(executable: built("luciddrag-reasoner"), arguments: ["--bus", endpoint] + flags(heartbeat) + extra,
                          log: directory.appendingPathComponent("swift-\(UUID().uuidString.prefix(4)).log"))
    }

    /// `luciddrag serve`: broker and every service in one process, the broker also bound to `endpoint`.
    static func embedded(endpoint: String, heartbeat: Heartbeat, in directory: URL) throws -> WorkerProcess {
        try WorkerProcess(executable: built("luciddrag"), arguments: ["serve", "--bus", endpoint] + flags(heartbeat),
                          log: directory.appendingPathComponent("serve.log"))
    }

    private static func built(_ name: String) throws -> URL {
        let bundle = Bundle.main.bundleURL
        guard let binary = [bundle, bundle.deletingLastPathComponent()].map({ $0.appendingPathComponent(name) })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw MissingExecutable(name: name)
        }
        return binary
    }

    /// Examples/python-reasoner-worker/reasoner_worker.py under /usr/bin/python3.
    static func python(endpoint: String, heartbeat: Heartbeat, in directory: URL) throws -> WorkerProcess {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/python-reasoner-worker/reasoner_worker.py")
        return try WorkerProcess(executable: URL(fileURLWithPath: "/usr/bin/python3"),
                                 arguments: [script.path, "--bus", endpoint] + flags(heartbeat),
                                 log: directory.appendingPathComponent("python-\(UUID().uuidString.prefix(4)).log"))
    }

    private static func flags(_ heartbeat: Heartbeat) -> [String] {
        let milliseconds = heartbeat.interval.components.seconds * 1000 + heartbeat.interval.components.attoseconds / 1_000_000_000_000_000
        return ["--heartbeat-ms", "\(milliseconds)", "--heartbeat-liveness", "\(heartbeat.liveness)"]
    }

    var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGTERM, then a clean exit within 10 s (the test fails with the process's output otherwise).
    func stop(file: StaticString = #filePath, line: UInt = #line) async {
        kill(process.processIdentifier, SIGTERM)
        let status = await waitForExit(timeout: .seconds(10))
        if status == nil { kill(process.processIdentifier, SIGKILL) }
        XCTAssertEqual(status, 0, "the worker did not exit 0 after SIGTERM; it said:\n\(output)", file: file, line: line)
    }
}

/// A local TCP port with nothing listening (bound, then released).
func closedPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A test needs an executable of the package that is not built next to the test bundle.
struct MissingExecutable: Error, CustomStringConvertible {
    let name: String
    var description: String { "\(name) is not built; run `swift build --build-tests` first" }
}

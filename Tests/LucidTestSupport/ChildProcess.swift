// A LucidDrag executable started by a test as a real child process, with its output captured to a
// file so that a failing test can show what the process said.
import Foundation
import XCTest

/// A child process: an executable from the package's build products directory, or any program.
public final class ChildProcess {
    public let name: String
    public let process: Process
    public let logURL: URL

    /// The directory holding the built executables: `LUCID_BIN_DIR`, else the one holding the test
    /// bundle (SwiftPM puts tests and executables side by side in `.build/<triple>/<configuration>`).
    public static var productsDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["LUCID_BIN_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let bundle = Bundle.main.bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()]
        return candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("luciddrag").path)
        } ?? bundle
    }

    /// Starts `executable` from the products directory with `arguments`; output goes to a log file
    /// in `directory`.
    public convenience init(_ executable: String, _ arguments: [String], in directory: URL, label: String? = nil,
                            environment: [String: String] = [:]) throws
    {
        let binary = Self.productsDirectory.appendingPathComponent(executable)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw NotBuilt(path: binary.path)
        }
        try self.init(program: binary, arguments, in: directory, label: label ?? executable, environment: environment)
    }

    /// Starts `program` with `arguments` and the test's environment less `LUCID_BUS`, plus
    /// `environment`; output goes to `<label>.log` in `directory`.
    public init(program: URL, _ arguments: [String], in directory: URL, label: String,
                environment: [String: String] = [:]) throws
    {
        name = label
        logURL = directory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process = Process()
        process.executableURL = program
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "LUCID_BUS")
        merged.merge(environment) { _, new in new }
        process.environment = merged
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try log.close()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// What the process wrote so far.
    public var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits up to `timeout` for the process to exit; returns its exit status, or nil if still running.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { return nil }
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits for a clean exit; fails the test with the process's output otherwise.
    public func stop(timeout: Duration = .seconds(10), file: StaticString = #filePath, line: UInt = #line) async {
        signal(SIGTERM)
        let status = await waitForExit(timeout: timeout)
        if status == nil { signal(SIGKILL) }
        XCTAssertEqual(status, 0, "\(name) did not exit 0 after SIGTERM; it said:\n\(output)", file: file, line: line)
    }
}

/// An executable the test needs is missing from the products directory.
public struct NotBuilt: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "\(path) is not built; run `swift build --build-tests` first (or set LUCID_BIN_DIR)" }
}

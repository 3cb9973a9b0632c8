// Builds the C client fixture (Tests/Fixtures/c-client) with the system C compiler at test time.
import Foundation

/// The protobuf-c + libzmq Health client, compiled by the test that uses it.
enum CClient {
    /// `cc` failed; the message carries its output.
    struct CompileError: Error, CustomStringConvertible {
        let output: String
        var description: String {
            "cc failed (needs libprotobuf-c-dev and libzmq3-dev from scripts/setup.sh):\n\(output)"
        }
    }

    /// Tests/Fixtures/c-client in this checkout.
    static let sourceDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/c-client")

    /// Compiles `health_client.c` and the generated protobuf-c sources into `directory`.
    static func build(into directory: URL) throws -> URL {
        let binary = directory.appendingPathComponent("health_client")
        let generated = sourceDirectory.appendingPathComponent("generated")
        let sources = ["health_client.c"].map { sourceDirectory.appendingPathComponent($0).path }
            + ["common", "rpc", "health"].map { generated.appendingPathComponent("lucid/v1/\($0).pb-c.c").path }
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O1", "-o", binary.path]
            + sources + ["-I", generated.path, "-lprotobuf-c", "-lzmq"]
        let log = directory.appendingPathComponent("cc.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        compiler.standardOutput = handle
        compiler.standardError = handle
        try compiler.run()
        compiler.waitUntilExit()
        try handle.close()
        guard compiler.terminationStatus == 0 else {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw CompileError(output: output)
        }
        return binary
    }

    /// Runs the client against `endpoint`; returns its exit status and what it printed.
    static func run(_ binary: URL, endpoint: String, service: String, timeoutMilliseconds: Int = 5000)
        async throws -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = [endpoint, service, String(timeoutMilliseconds)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = try pipe.fileHandleForReading.readToEnd() ?? Data()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

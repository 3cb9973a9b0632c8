/// FixtureServer: runs Tests/Fixtures/openai-server/server.py (Debian's python3, stdlib only) as a real
/// HTTP server process for the OpenAI-backend tests.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class FixtureServer {
    let process = Process()
    let port: Int

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/openai-server/server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // The server prints "listening on PORT" once it accepts connections.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let port = text.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            process.terminate()
            throw NSError(domain: "FixtureServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(text)"])
        }
        self.port = port
    }

    /// The API root for a behaviour ("success", "malformed", …).
    func baseURL(_ mode: String) -> URL { URL(string: "http://127.0.0.1:\(port)/\(mode)/v1")! }

    /// The server's call counts and last request.
    func stats() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/stats")!)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

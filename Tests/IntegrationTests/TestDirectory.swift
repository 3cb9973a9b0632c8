// A short-pathed, owner-only scratch directory per test: Unix socket paths must stay under ~100 bytes.
import Foundation

/// A fresh directory under /tmp, removed when the value is released.
final class TestDirectory {
    let url: URL

    init() throws {
        url = URL(fileURLWithPath: "/tmp/ldt-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// An ipc:// endpoint for a socket file named `name` in this directory.
    func ipc(_ name: String = "bus.sock") -> String { "ipc://\(url.path)/\(name)" }

    /// The path of the socket file behind `ipc(name)`.
    func socketPath(_ name: String = "bus.sock") -> String { url.appendingPathComponent(name).path }
}

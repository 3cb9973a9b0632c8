// Bus endpoints: the three transports (inproc://, ipc://, tcp://), and the owner-only runtime
// directory where ipc:// socket files live.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for naming and validating bus endpoints.
public enum BusEndpoint {
    /// The transport of an endpoint string.
    public enum Transport: Sendable, Equatable {
        case inproc, ipc, tcp
    }

    /// The transport of `endpoint`, or `BusError.invalidEndpoint` for anything else.
    public static func transport(of endpoint: String) throws -> Transport {
        if endpoint.hasPrefix("inproc://"), endpoint.count > 9 { return .inproc }
        if endpoint.hasPrefix("ipc://"), endpoint.count > 6 { return .ipc }
        if endpoint.hasPrefix("tcp://"), endpoint.count > 6 { return .tcp }
        throw BusError.invalidEndpoint(endpoint, reason: "expected inproc://NAME, ipc://PATH or tcp://HOST:PORT")
    }

    /// The owner-only (0700) directory for ipc:// socket files: `$XDG_RUNTIME_DIR/luciddrag`, or
    /// `/tmp/luciddrag-$UID` when XDG_RUNTIME_DIR is unset. Created when missing; refused when it
    /// exists but belongs to someone else or is open to others.
    public static func runtimeDirectory() throws -> String {
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let path = base.map { "\($0)/luciddrag" } ?? "/tmp/luciddrag-\(getuid())"
        try ensurePrivateDirectory(path)
        return path
    }

    /// `ipc://<runtime directory>/<name>.sock`, e.g. `ipc(named: "gateway")`.
    public static func ipc(named name: String) throws -> String {
        guard !name.isEmpty, !name.contains("/") else {
            throw BusError.invalidEndpoint(name, reason: "an ipc endpoint name must be non-empty and contain no '/'")
        }
        return "ipc://\(try runtimeDirectory())/\(name).sock"
    }

    /// `inproc://<name>`: threads of one process sharing ``ZMQContext/shared``.
    public static func inproc(named name: String) -> String { "inproc://\(name)" }

    /// The socket file path of an ipc:// endpoint.
    static func ipcPath(of endpoint: String) -> String { String(endpoint.dropFirst("ipc://".count)) }

    /// Creates `path` with mode 0700 if missing; checks that an existing one is ours and private.
    static func ensurePrivateDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw BusError.invalidEndpoint(path, reason: "cannot create runtime directory (errno \(errno))")
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw BusError.invalidEndpoint(path, reason: "runtime directory is not a directory")
        }
        guard info.st_uid == getuid() else {
            throw BusError.invalidEndpoint(path, reason: "runtime directory belongs to uid \(info.st_uid), not us")
        }
        if info.st_mode & 0o077 != 0 {
            guard chmod(path, 0o700) == 0 else {
                throw BusError.invalidEndpoint(path, reason: "runtime directory is open to others and chmod failed")
            }
        }
    }
}

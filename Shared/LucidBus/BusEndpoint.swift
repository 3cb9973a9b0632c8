// Bus endpoints: the three transports (inproc://, ipc://, tcp://), parsed once from text into a typed
// value, and the owner-only runtime directory where ipc:// socket files live.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A checked bus endpoint: `inproc://NAME`, `ipc://PATH` or `tcp://HOST:PORT`.
public struct BusEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The transport of an endpoint.
    public enum Transport: String, Sendable, Equatable, CaseIterable {
        case inproc, ipc, tcp
    }

    /// How the endpoint is reached.
    public let transport: Transport
    /// What follows `://`: the inproc name, the ipc socket path or tcp's `HOST:PORT`.
    public let address: String

    /// Parses `text`; throws `BusError.invalidEndpoint` saying what is wrong: an unknown scheme, an
    /// empty name or path, an ipc path longer than a Unix socket allows, a tcp address without a port.
    public init(_ text: String) throws {
        guard let separator = text.range(of: "://"), let transport = Transport(rawValue: String(text[..<separator.lowerBound])) else {
            throw BusError.invalidEndpoint(text, reason: "expected inproc://NAME, ipc://PATH or tcp://HOST:PORT")
        }
        let address = String(text[separator.upperBound...])
        switch transport {
        case .inproc:
            guard !address.isEmpty else { throw BusError.invalidEndpoint(text, reason: "an inproc endpoint needs a name") }
        case .ipc:
            guard !address.isEmpty else { throw BusError.invalidEndpoint(text, reason: "an ipc endpoint needs a socket path") }
            guard address.utf8.count < 100 else {
                throw BusError.invalidEndpoint(text, reason: "ipc path longer than the 100 bytes a Unix socket allows")
            }
        case .tcp:
            guard let colon = address.lastIndex(of: ":"), colon != address.startIndex,
                  case let port = address[address.index(after: colon)...],
                  port == "*" || UInt16(port).map({ $0 > 0 }) == true else {
                throw BusError.invalidEndpoint(text, reason: "a tcp endpoint is tcp://HOST:PORT (PORT a number, or * to bind any)")
            }
        }
        self.transport = transport
        self.address = address
    }

    /// The text ZeroMQ binds or connects to.
    public var description: String { "\(transport.rawValue)://\(address)" }

    /// `ipc://<runtime directory>/<name>.sock`, e.g. `ipc(named: "gateway")`.
    public static func ipc(named name: String) throws -> BusEndpoint {
        guard !name.isEmpty, !name.contains("/") else {
            throw BusError.invalidEndpoint(name, reason: "an ipc endpoint name must be non-empty and contain no '/'")
        }
        return try BusEndpoint("ipc://\(try runtimeDirectory())/\(name).sock")
    }

    /// `inproc://<name>` (`name` not empty): threads of one process sharing ``ZMQContext/shared``.
    public static func inproc(named name: String) -> BusEndpoint {
        BusEndpoint(transport: .inproc, address: name)
    }

    private init(transport: Transport, address: String) {
        self.transport = transport
        self.address = address
    }
}

extension BusEndpoint {
    /// The owner-only (0700) directory for ipc:// socket files: `$XDG_RUNTIME_DIR/luciddrag`, or
    /// `/tmp/luciddrag-$UID` when XDG_RUNTIME_DIR is unset. Created when missing; refused when it
    /// exists but belongs to someone else or is open to others.
    public static func runtimeDirectory() throws -> String {
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let path = base.map { "\($0)/luciddrag" } ?? "/tmp/luciddrag-\(getuid())"
        try ensurePrivateDirectory(path)
        return path
    }

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

// Exclusive ownership of an ipc:// endpoint: a lock file beside the socket file, held with flock()
// for as long as the binding component lives. A second binder — another process, or another
// component of this one — is refused with the owner's pid; a socket file left by a dead owner is
// removed before binding.

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The held lock on one ipc:// endpoint; released (and the files removed) by `release()`.
final class IPCEndpointLock: Sendable {
    let endpoint: BusEndpoint
    private let socketPath: String
    private let lockPath: String
    /// The lock file's descriptor while the lock is held; -1 once released.
    private let held: Mutex<Int32>

    /// Takes the endpoint or throws `BusError.endpointInUse`. Creates the socket file's directory
    /// owner-only (0700) when it is missing.
    init(endpoint: BusEndpoint) throws {
        self.endpoint = endpoint
        socketPath = endpoint.address
        lockPath = socketPath + ".lock"
        let directory = (socketPath as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try BusEndpoint.ensurePrivateDirectory(directory)
        }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw BusError.invalidEndpoint(endpoint.description, reason: "cannot open lock file \(lockPath) (errno \(errno))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let owner = Self.readPid(fd).map { "process \($0)" } ?? "another process"
            close(fd)
            throw BusError.endpointInUse(endpoint.description, owner: owner)
        }
        // We hold the lock, so any existing socket file is stale unless a process that does not
        // use lock files listens on it; probe before removing.
        if FileManager.default.fileExists(atPath: socketPath) {
            if Self.someoneListens(at: socketPath) {
                close(fd)
                throw BusError.endpointInUse(endpoint.description, owner: "a process without a LucidDrag lock file")
            }
            unlink(socketPath)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        held = Mutex(fd)
    }

    /// Releases the lock and removes the socket and lock files. Idempotent.
    func release() {
        let fd = held.withLock { fd in
            defer { fd = -1 }
            return fd
        }
        guard fd >= 0 else { return }
        unlink(socketPath)
        unlink(lockPath)
        close(fd)
    }

    deinit { release() }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count - 1, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// True when a connect() to the Unix socket at `path` succeeds.
    private static func someoneListens(at path: String) -> Bool {
        #if os(Linux)
        let sock = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let sock = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard sock >= 0 else { return false }
        defer { close(sock) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(sock, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}

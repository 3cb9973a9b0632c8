// A libzmq context: the owner of I/O threads and the namespace of inproc:// endpoints.

import CZeroMQ
import Foundation

/// A libzmq context. Sockets that talk over `inproc://` must come from the same context, so the
/// process normally uses ``shared``. Thread-safe (libzmq contexts are).
///
/// Sendable because libzmq contexts are thread-safe and the client keys are touched only under `lock`.
public final class ZMQContext: @unchecked Sendable {
    /// The process-wide context every LucidDrag component uses unless told otherwise.
    public static let shared: ZMQContext = {
        do { return try ZMQContext() } catch {
            // Only reachable when the process is out of memory or file descriptors at start-up.
            fatalError("LucidBus: cannot create the shared ZeroMQ context: \(error)")
        }
    }()

    let handle: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var clientKeys: CurveClientKeys?

    /// The keys this context's sockets use when they connect over tcp://: their own key pair and
    /// the server's public key. Nil (the default): plain tcp://, no CURVE. Set it before the
    /// sockets connect (a process sets it once, from its flags).
    public var curveClient: CurveClientKeys? {
        get { lock.withLock { clientKeys } }
        set { lock.withLock { clientKeys = newValue } }
    }

    /// Creates a context with `ioThreads` background I/O threads.
    public init(ioThreads: Int32 = 1) throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        if zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) != 0 {
            let error = ZMQError.last("zmq_ctx_set(ZMQ_IO_THREADS)")
            zmq_ctx_term(handle)
            throw error
        }
        self.handle = handle
    }

    /// Opens a socket of `type` in this context. The socket belongs to the calling thread until
    /// handed to another one (see ``SocketLoop``).
    public func socket(_ type: ZMQSocketType) throws -> ZMQSocket {
        try ZMQSocket(context: self, type: type)
    }

    deinit {
        zmq_ctx_term(handle)
    }
}

// One libzmq socket with multipart send/receive. A socket is not thread-safe: exactly one thread
// uses it at a time (LucidBus gives each socket to one SocketLoop thread).

import CZeroMQ
import Foundation

/// A multipart ZeroMQ message: one `Data` per frame.
public typealias Frames = [Data]

/// A libzmq socket. Not thread-safe: use it from one thread only (ownership may move between
/// threads with a happens-before edge, as when a ``SocketLoop`` takes it over).
///
/// Sendable only so that ownership can move: a socket is used by one thread at a time (above).
public final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// The socket type it was opened with.
    public let type: ZMQSocketType
    private let context: ZMQContext
    private var isClosed = false

    init(context: ZMQContext, type: ZMQSocketType) throws {
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            throw ZMQError.last("zmq_socket")
        }
        self.handle = handle
        self.type = type
        self.context = context
        // Never block process exit on unsent messages.
        try set(.linger, 0)
    }

    deinit { close() }

    /// Closes the socket; further use throws. Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }

    /// Binds to `endpoint` (e.g. tcp://127.0.0.1:*); returns the endpoint actually bound
    /// (with the port the OS chose for "*").
    @discardableResult
    public func bind(_ endpoint: BusEndpoint) throws -> BusEndpoint {
        guard zmq_bind(handle, endpoint.description) == 0 else { throw ZMQError.last("zmq_bind(\(endpoint))") }
        return (try? lastEndpoint()).flatMap { try? BusEndpoint($0) } ?? endpoint
    }

    /// Connects to `endpoint`. libzmq connects (and reconnects) in the background. Over tcp://, when
    /// the context has ``ZMQContext/curveClient`` keys, the connection is a CURVE client's.
    public func connect(_ endpoint: BusEndpoint) throws {
        if endpoint.transport == .tcp, let keys = context.curveClient {
            try set(.serverKey, keys.serverKey)
            try set(.publicKey, keys.keyPair.publicKey)
            try set(.secretKey, keys.keyPair.secretKey)
        }
        guard zmq_connect(handle, endpoint.description) == 0 else { throw ZMQError.last("zmq_connect(\(endpoint))") }
    }

    /// Makes the connections this socket accepts from now on (its later binds) CURVE ones, with
    /// `keyPair` as the server's keys.
    public func becomeCurveServer(_ keyPair: CurveKeyPair) throws {
        try set(.curveServer, 1)
        try set(.secretKey, keyPair.secretKey)
    }

    /// Sets a CURVE key option (never logged).
    public func set(_ option: ZMQCurveKeyOption, _ z85: String) throws {
        guard zmq_setsockopt(handle, option.code, z85, z85.utf8.count) == 0 else {
            throw ZMQError.last("zmq_setsockopt(CURVE key)")
        }
    }

    /// The endpoint most recently bound or connected (ZMQ_LAST_ENDPOINT).
    public func lastEndpoint() throws -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
            throw ZMQError.last("zmq_getsockopt(ZMQ_LAST_ENDPOINT)")
        }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Sets an integer socket option.
    public func set(_ option: ZMQSocketOption, _ value: Int) throws {
        let rc: Int32
        if option.isInt64 {
            var wide = Int64(value)
            rc = zmq_setsockopt(handle, option.code, &wide, MemoryLayout<Int64>.size)
        } else {
            var narrow = Int32(clamping: value)
            rc = zmq_setsockopt(handle, option.code, &narrow, MemoryLayout<Int32>.size)
        }
        guard rc == 0 else { throw ZMQError.last("zmq_setsockopt(\(option))") }
    }

    /// Frames at least this large are passed to and from libzmq without copying.
    static let zeroCopyThreshold = 4096

    /// Sends `frames` as one multipart message. With `dontWait`, throws EAGAIN instead of
    /// blocking when the message cannot be queued. Large frames are not copied: libzmq holds a
    /// reference to their storage until it has sent them.
    public func send(_ frames: Frames, dontWait: Bool = false) throws {
        let base: Int32 = dontWait ? ZMQ_DONTWAIT : 0
        for (index, frame) in frames.enumerated() {
            let flags = index == frames.count - 1 ? base : base | ZMQ_SNDMORE
            var message = zmq_msg_t()
            Self.initialize(&message, with: frame)
            if zmq_msg_send(&message, handle, flags) < 0 {
                let error = ZMQError.last("zmq_msg_send")
                zmq_msg_close(&message)
                throw error
            }
        }
    }

    /// Fills `message` with `frame`: by reference for large frames, by copy for small ones (whose
    /// bytes may live inline in the `Data` value and so have no stable address).
    private static func initialize(_ message: inout zmq_msg_t, with frame: Data) {
        if frame.count >= zeroCopyThreshold {
            let owner = Unmanaged.passRetained(FrameOwner(frame))
            let bytes = owner.takeUnretainedValue().frame.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
            zmq_msg_init_data(&message, bytes, frame.count, { _, hint in
                if let hint { Unmanaged<FrameOwner>.fromOpaque(hint).release() }
            }, owner.toOpaque())
        } else {
            zmq_msg_init_size(&message, frame.count)
            if frame.count > 0, let destination = zmq_msg_data(&message) {
                frame.copyBytes(to: destination.assumingMemoryBound(to: UInt8.self), count: frame.count)
            }
        }
    }

    /// Receives one whole multipart message. With `dontWait`, returns nil when none is waiting.
    /// Large frames are not copied: the `Data` owns libzmq's buffer and frees it when released.
    public func receive(dontWait: Bool = false) throws -> Frames? {
        var frames = Frames()
        var more = true
        while more {
            let flags: Int32 = (dontWait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
            zmq_msg_init(message)
            if zmq_msg_recv(message, handle, flags) < 0 {
                let code = zmq_errno()
                zmq_msg_close(message)
                message.deallocate()
                if frames.isEmpty && code == EAGAIN { return nil }
                throw ZMQError(operation: "zmq_msg_recv", code: code, message: String(cString: zmq_strerror(code)))
            }
            more = zmq_msg_more(message) != 0
            let size = zmq_msg_size(message)
            if size >= Self.zeroCopyThreshold, let bytes = zmq_msg_data(message) {
                frames.append(Data(bytesNoCopy: bytes, count: size, deallocator: .custom { _, _ in
                    zmq_msg_close(message)
                    message.deallocate()
                }))
            } else {
                frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(message), count: size))
                zmq_msg_close(message)
                message.deallocate()
            }
        }
        return frames
    }
}

/// Keeps a frame's storage alive while libzmq sends from it.
private final class FrameOwner {
    let frame: Data
    init(_ frame: Data) { self.frame = frame }
}

// One libzmq socket with multipart send/receive. A socket is not thread-safe: exactly one thread
// uses it at a time (LucidBus gives each socket to one SocketLoop thread).

import CZeroMQ
import Foundation

/// A multipart ZeroMQ message: one `Data` per frame.
public typealias Frames = [Data]

/// A libzmq socket. Not thread-safe: use it from one thread only (ownership may move between
/// threads with a happens-before edge, as when a ``SocketLoop`` takes it over).
public final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// The socket type it was opened with.
    public let type: ZMQSocketType
    private var isClosed = false

    init(context: ZMQContext, type: ZMQSocketType) throws {
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            throw ZMQError.last("zmq_socket")
        }
        self.handle = handle
        self.type = type
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

    /// Binds to `endpoint` (e.g. "tcp://127.0.0.1:*"); returns the endpoint actually bound
    /// (with the port the OS chose for "*").
    @discardableResult
    public func bind(_ endpoint: String) throws -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("zmq_bind(\(endpoint))") }
        return (try? lastEndpoint()) ?? endpoint
    }

    /// Connects to `endpoint`. libzmq connects (and reconnects) in the background.
    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("zmq_connect(\(endpoint))") }
    }

    /// The endpoint most recently bound or connected (ZMQ_LAST_ENDPOINT).
    public func lastEndpoint() throws -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
            throw ZMQError.last("zmq_getsockopt(ZMQ_LAST_ENDPOINT)")
        }
        return String(cString: buffer)
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

    /// Sends `frames` as one multipart message. With `dontWait`, throws EAGAIN instead of
    /// blocking when the message cannot be queued.
    public func send(_ frames: Frames, dontWait: Bool = false) throws {
        let base: Int32 = dontWait ? ZMQ_DONTWAIT : 0
        for (index, frame) in frames.enumerated() {
            let flags = index == frames.count - 1 ? base : base | ZMQ_SNDMORE
            let rc = frame.withUnsafeBytes { raw in
                zmq_send(handle, raw.baseAddress, raw.count, flags)
            }
            if rc < 0 { throw ZMQError.last("zmq_send") }
        }
    }

    /// Receives one whole multipart message. With `dontWait`, returns nil when none is waiting.
    public func receive(dontWait: Bool = false) throws -> Frames? {
        var frames = Frames()
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        repeat {
            let flags: Int32 = (dontWait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            if zmq_msg_recv(&message, handle, flags) < 0 {
                if frames.isEmpty && zmq_errno() == EAGAIN { return nil }
                throw ZMQError.last("zmq_msg_recv")
            }
            let size = zmq_msg_size(&message)
            if size == 0 {
                frames.append(Data())
            } else if let data = zmq_msg_data(&message) {
                frames.append(Data(bytes: data, count: size))
            }
        } while zmq_msg_more(&message) != 0
        return frames
    }
}

// Errors from libzmq, as a typed Swift error carrying errno and libzmq's own message.

import CZeroMQ

/// A failed libzmq call: the operation, the errno value and libzmq's text for it.
public struct ZMQError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The libzmq function or operation that failed, e.g. "zmq_bind(tcp://127.0.0.1:5555)".
    public let operation: String
    /// The errno value libzmq reported.
    public let code: Int32
    /// libzmq's description of `code`.
    public let message: String

    /// The error libzmq reports for the calling thread's most recent failure.
    static func last(_ operation: String) -> ZMQError {
        let code = zmq_errno()
        return ZMQError(operation: operation, code: code, message: String(cString: zmq_strerror(code)))
    }

    /// True when the socket's context was terminated (ETERM): the owner should stop.
    public var isContextTerminated: Bool { code == ETERM }

    public var description: String { "\(operation): \(message) (errno \(code))" }
}

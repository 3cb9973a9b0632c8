// The error every RPC failure is thrown as: a gRPC canonical status code and a message.

import LucidProto

/// A failed RPC: the lucid.v1.StatusCode and a message a person can act on. Handlers throw it to
/// choose the status their caller sees; clients catch it.
public struct RPCError: Error, CustomStringConvertible, Equatable, Sendable {
    public let code: Lucid_V1_StatusCode
    public let message: String

    public init(code: Lucid_V1_StatusCode, message: String) {
        self.code = code
        self.message = message
    }

    /// The error a lucid.v1.Status (with a non-OK code) describes.
    public init(status: Lucid_V1_Status) {
        self.init(code: status.code, message: status.message)
    }

    public var description: String { "\(code) (\(code.rawValue)): \(message)" }
}

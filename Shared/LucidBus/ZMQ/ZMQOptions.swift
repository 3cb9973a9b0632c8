// The libzmq socket options LucidBus sets, by name.

import CZeroMQ

/// An integer socket option and the C width libzmq expects for it.
public enum ZMQSocketOption: Sendable {
    /// ZMQ_LINGER (ms): how long close waits for unsent messages.
    case linger
    /// ZMQ_ROUTER_MANDATORY: report unroutable messages (EHOSTUNREACH) instead of dropping them.
    case routerMandatory
    /// ZMQ_MAXMSGSIZE (bytes): a larger inbound frame makes libzmq drop the connection.
    case maxMessageSize
    /// ZMQ_SNDHWM / ZMQ_RCVHWM (messages): queue limits.
    case sendHighWaterMark, receiveHighWaterMark

    var code: Int32 {
        switch self {
        case .linger: return ZMQ_LINGER
        case .routerMandatory: return ZMQ_ROUTER_MANDATORY
        case .maxMessageSize: return ZMQ_MAXMSGSIZE
        case .sendHighWaterMark: return ZMQ_SNDHWM
        case .receiveHighWaterMark: return ZMQ_RCVHWM
        }
    }

    /// ZMQ_MAXMSGSIZE is an int64_t; the others are int.
    var isInt64: Bool { self == .maxMessageSize }
}

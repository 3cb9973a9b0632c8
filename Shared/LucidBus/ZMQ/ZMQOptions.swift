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
    /// ZMQ_CURVE_SERVER: 1 makes the socket the CURVE server of the connections it accepts.
    case curveServer

    var code: Int32 {
        switch self {
        case .linger: return ZMQ_LINGER
        case .routerMandatory: return ZMQ_ROUTER_MANDATORY
        case .maxMessageSize: return ZMQ_MAXMSGSIZE
        case .sendHighWaterMark: return ZMQ_SNDHWM
        case .receiveHighWaterMark: return ZMQ_RCVHWM
        case .curveServer: return ZMQ_CURVE_SERVER
        }
    }

    /// ZMQ_MAXMSGSIZE is an int64_t; the others are int.
    var isInt64: Bool { self == .maxMessageSize }
}

/// A CURVE key option, set as 40 characters of Z85.
public enum ZMQCurveKeyOption: Sendable {
    /// ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY: the socket's own key pair.
    case publicKey, secretKey
    /// ZMQ_CURVE_SERVERKEY: the public key of the server a client socket connects to.
    case serverKey

    var code: Int32 {
        switch self {
        case .publicKey: return ZMQ_CURVE_PUBLICKEY
        case .secretKey: return ZMQ_CURVE_SECRETKEY
        case .serverKey: return ZMQ_CURVE_SERVERKEY
        }
    }
}

// The libzmq socket types LucidBus uses.

import CZeroMQ

/// A libzmq socket type.
public enum ZMQSocketType: Sendable {
    case router, dealer, pair, req, rep

    var rawValue: Int32 {
        switch self {
        case .router: return ZMQ_ROUTER
        case .dealer: return ZMQ_DEALER
        case .pair: return ZMQ_PAIR
        case .req: return ZMQ_REQ
        case .rep: return ZMQ_REP
        }
    }
}

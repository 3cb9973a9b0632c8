// zmq_poll over ZeroMQ sockets and plain file descriptors.

import CZeroMQ

/// Something zmq_poll can wait on for readability.
enum PollTarget {
    case socket(ZMQSocket)
    case fileDescriptor(Int32)
}

/// Waits up to `timeoutMilliseconds` (-1: forever) until one of `targets` is readable; returns a
/// readability flag per target. EINTR counts as "nothing readable".
func pollReadable(_ targets: [PollTarget], timeoutMilliseconds: Int) throws -> [Bool] {
    var items = targets.map { target -> zmq_pollitem_t in
        switch target {
        case .socket(let socket):
            return zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
        case .fileDescriptor(let fd):
            return zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0)
        }
    }
    let rc = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
    if rc < 0 {
        if zmq_errno() == EINTR { return Array(repeating: false, count: targets.count) }
        throw ZMQError.last("zmq_poll")
    }
    return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
}

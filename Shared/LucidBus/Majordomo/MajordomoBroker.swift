// The Majordomo 0.2 broker: one ROUTER socket, owned by one thread, serving clients and workers.
// See BrokerEngine for the routing rules and MajordomoProtocol for the wire format.

import Foundation
import Logging

/// An MDP/0.2 broker bound to one or more endpoints (any mix of inproc://, ipc://, tcp://).
///
/// Behaviour beyond RFC 18, all of it driven by the lucid.v1.RequestEnvelope in a request body
/// (opaque bodies are routed as plain MDP and get only the size and queue-timeout rules):
/// - **Load balancing**: each service has a FIFO of requests and a FIFO of idle workers; a request
///   goes to the worker idle the longest. A worker holds one request at a time (RFC 18 dialog).
/// - **Health while busy**: a Health request for a service none of whose workers is idle goes to an
///   idle worker of its control service, "<service>/control" (see ``ControlService``), which answers
///   only Health; no other request ever goes there. Clients call Health on the service as always.
/// - **Dead workers**: a worker silent for `heartbeat.expiry`, or one that sends DISCONNECT, is
///   dropped; its in-flight request goes back to the head of the queue, at most `maxRetries` times,
///   then the client gets FINAL UNAVAILABLE. PARTIALs already forwarded are not taken back.
/// - **Deadlines**: a queued request whose envelope deadline passes gets FINAL DEADLINE_EXCEEDED.
/// - **Bounded queues**: a request that finds `maxQueuedRequests` requests of its service already
///   waiting gets FINAL RESOURCE_EXHAUSTED at once (Health is exempt), so that memory stays bounded
///   however many clients call (each waiting request holds its body, up to `maxMessageSize`).
/// - **Services without workers**: requests wait for a worker of that name, but once the service has
///   had no worker for `unservedTimeout` (never had one, or its last one died or left) they get
///   FINAL UNAVAILABLE at once, whatever their deadline: a dead reasoner is reported within seconds,
///   while a worker that restarts within `unservedTimeout` still gets the requests.
/// - **Cancellation**: an envelope with `cancel = true` removes the queued request with that
///   request id from the same client, or, if a worker has it, marks it so that its replies are
///   discarded and forwards the cancel envelope to that worker as a REQUEST. Workers MUST NOT reply
///   to such a cancel notice (a LucidBus ``ServiceWorker`` cancels the handler's task instead).
/// - **Clients that disappear**: when a PARTIAL cannot be delivered because the client's connection
///   is gone, the request is cancelled as above, so the work stops at the next progress message.
/// - **Size limit**: a request or reply whose body exceeds `maxMessageSize` bytes is not forwarded;
///   the client gets FINAL RESOURCE_EXHAUSTED. Frames beyond twice that size are refused by libzmq
///   itself (ZMQ_MAXMSGSIZE, tcp:// and ipc:// only), which drops the sending connection.
/// - **Stray replies**: when a request carried an envelope with a request id, a one-frame reply
///   whose ReplyEnvelope names a different request id (e.g. a worker answering a cancel notice) is
///   dropped, so workers must answer envelopes with a ReplyEnvelope of the same request id.
/// - **Malformed input** (wrong header, unknown command, too few frames) is logged and dropped.
///
/// - **CURVE** (`configuration.curve`): tcp:// connections are encrypted and authenticated; a client
///   or worker whose public key is not allowed is refused during the handshake and never reaches
///   the broker (its requests time out on its side). Public keys are logged, secret keys never.
///
/// Broker errors reach clients as MDP FINAL messages whose one body frame is a
/// lucid.v1.ReplyEnvelope with the status and the request id of the failed request.
public final class MajordomoBroker: Sendable {
    /// Broker settings.
    public struct Configuration: Sendable {
        /// Heartbeat interval and liveness; workers must use the same.
        public var heartbeat: Heartbeat
        /// Largest request or reply body, in bytes, the broker forwards.
        public var maxMessageSize: Int
        /// How many times a request is re-dispatched after its worker died.
        public var maxRetries: Int
        /// How long a service may have no worker before its queued requests fail UNAVAILABLE.
        public var unservedTimeout: Duration
        /// Requests one service may have waiting for a worker; one more fails RESOURCE_EXHAUSTED.
        public var maxQueuedRequests: Int
        /// When set, the tcp:// endpoints accept only CURVE clients whose public key is allowed
        /// (inproc:// and ipc:// stay as they are: in-process, and owner-only socket files).
        public var curve: CurveServerKeys?

        public init(
            heartbeat: Heartbeat = Heartbeat(),
            maxMessageSize: Int = 64 << 20,
            maxRetries: Int = 2,
            unservedTimeout: Duration = .seconds(3),
            maxQueuedRequests: Int = 64,
            curve: CurveServerKeys? = nil
        ) {
            self.heartbeat = heartbeat
            self.maxMessageSize = maxMessageSize
            self.maxRetries = maxRetries
            self.unservedTimeout = unservedTimeout
            self.maxQueuedRequests = maxQueuedRequests
            self.curve = curve
        }
    }

    /// The endpoints actually bound (tcp "*" ports resolved), in the order given.
    public let boundEndpoints: [BusEndpoint]
    /// A name for logs and service lifecycles.
    public let name = "broker"
    /// Workers and queued requests per service, as of the last heartbeat tick.
    public let census = BrokerCensus()

    private let loop: SocketLoop
    private let ipcLocks: [IPCEndpointLock]
    private let authenticator: CurveAuthenticator?

    /// Binds `endpoints` and starts serving on a dedicated thread. ipc:// endpoints are locked
    /// (`BusError.endpointInUse` when another live broker serves one) and their stale socket files
    /// removed.
    public init(
        endpoints: [BusEndpoint],
        context: ZMQContext = .shared,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "lucid.bus.broker")
    ) throws {
        var locks: [IPCEndpointLock] = []
        var bound: [Int: BusEndpoint] = [:]
        var authenticator: CurveAuthenticator?
        let socket = try context.socket(.router)
        do {
            try socket.set(.routerMandatory, 1)
            try socket.set(.maxMessageSize, configuration.maxMessageSize * 2 + (1 << 20))
            // A listener takes the socket's security options when it is bound: the others first,
            // then CURVE for the tcp:// ones.
            for (index, endpoint) in endpoints.enumerated() where endpoint.transport != .tcp {
                if endpoint.transport == .ipc { locks.append(try IPCEndpointLock(endpoint: endpoint)) }
                bound[index] = try socket.bind(endpoint)
            }
            if let curve = configuration.curve {
                authenticator = try CurveAuthenticator(context: context, allowed: curve.allowedClients, logger: logger)
                try socket.becomeCurveServer(curve.keyPair)
            }
            for (index, endpoint) in endpoints.enumerated() where endpoint.transport == .tcp {
                bound[index] = try socket.bind(endpoint)
            }
        } catch {
            socket.close()
            locks.forEach { $0.release() }
            throw error
        }
        boundEndpoints = endpoints.indices.compactMap { bound[$0] }
        ipcLocks = locks
        self.authenticator = authenticator
        loop = try SocketLoop(name: "lucid.bus.broker")
        var logger = logger
        logger[metadataKey: "endpoints"] = "\(boundEndpoints.map(\.description).joined(separator: ","))"
        loop.start(handler: BrokerEngine(socket: socket, configuration: configuration, census: census, logger: logger))
    }

    /// Stops serving and closes the socket; waits for the broker thread to finish. Idempotent.
    public func shutdown() async {
        loop.requestStop()
        await loop.waitUntilFinished()
        await authenticator?.shutdown()
        ipcLocks.forEach { $0.release() }
    }

    /// Serves until the calling task is cancelled, then shuts down.
    public func run() async throws {
        await waitForCancellation()
        await shutdown()
    }

    deinit {
        loop.requestStop()
        loop.joinBlocking()
        ipcLocks.forEach { $0.release() }
    }
}

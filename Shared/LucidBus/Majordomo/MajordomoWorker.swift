// The Majordomo 0.2 worker API: registers one service with a broker, hands each REQUEST to a
// callback, and sends PARTIAL/FINAL replies; heartbeats and reconnection happen on its own thread.

import Foundation
import Logging

/// A request delivered to a worker: the client's address (to reply to) and the body frames.
public struct MajordomoRequest: Sendable {
    /// The client address frame from the broker; replies must carry it back.
    public let clientAddress: Data
    /// The request body (for LucidDrag RPC, one frame holding a lucid.v1.RequestEnvelope).
    public let body: Frames
    /// The broker connection the request arrived on; replies after a reconnect are dropped.
    let connection: Int
    /// The worker thread that sends the replies.
    let replier: WorkerReplier

    /// Sends a PARTIAL (`final: false`) or the FINAL reply. Thread-safe, non-blocking; dropped
    /// when the worker has shut down or re-registered since the request arrived.
    public func reply(_ body: Frames, final: Bool) {
        replier.send(self, body: body, final: final)
    }
}

/// Hands replies to the worker thread that owns the socket.
///
/// Sendable because both references are set once, before the worker thread starts, and the engine is
/// used only on the loop's thread (through `post`).
final class WorkerReplier: @unchecked Sendable {
    weak var loop: SocketLoop?
    weak var engine: WorkerEngine?

    func send(_ request: MajordomoRequest, body: Frames, final: Bool) {
        guard let loop else { return }
        loop.post { [weak engine] in engine?.reply(to: request, body: body, final: final) }
    }
}

/// An MDP/0.2 worker for one service. Starts on creation; the broker sees it after READY.
///
/// `onRequest` runs on the worker's socket thread and must return quickly (hand work to a task
/// or thread). Reply with ``MajordomoRequest/reply(_:final:)`` from any thread: zero or more PARTIALs, then
/// exactly one FINAL; the broker sends the next request only after the FINAL. The broker may also
/// deliver cancel notices for the request in progress (see ``MajordomoBroker``).
///
/// When the broker is silent for `heartbeat.expiry`, or sends DISCONNECT, the worker closes its
/// socket and registers again on a new one after `reconnectDelay`.
///
/// Sendable because its engine, the one non-Sendable field, is used only on the loop's thread.
public final class MajordomoWorker: @unchecked Sendable {
    /// Worker settings.
    public struct Configuration: Sendable {
        /// Must match the broker's.
        public var heartbeat: Heartbeat
        /// Pause before registering again after losing the broker.
        public var reconnectDelay: Duration

        public init(heartbeat: Heartbeat = Heartbeat(), reconnectDelay: Duration = .milliseconds(500)) {
            self.heartbeat = heartbeat
            self.reconnectDelay = reconnectDelay
        }
    }

    /// The Majordomo service name this worker serves.
    public let service: String
    private let loop: SocketLoop
    private let engine: WorkerEngine

    /// Connects to the broker at `endpoint` and registers `service`.
    public init(
        endpoint: BusEndpoint,
        service: String,
        context: ZMQContext = .shared,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "lucid.bus.worker"),
        onRequest: @escaping @Sendable (MajordomoRequest) -> Void
    ) throws {
        guard !service.isEmpty else { throw BusError.invalidEndpoint(endpoint.description, reason: "empty service name") }
        self.service = service
        var logger = logger
        logger[metadataKey: "service"] = "\(service)"
        let replier = WorkerReplier()
        engine = try WorkerEngine(endpoint: endpoint, service: service, context: context,
                                  configuration: configuration, logger: logger, replier: replier, onRequest: onRequest)
        loop = try SocketLoop(name: "lucid.bus.worker.\(service)")
        replier.loop = loop
        replier.engine = engine
        loop.start(handler: engine)
    }

    /// Sends DISCONNECT, closes the socket and waits for the worker thread to finish. Idempotent.
    public func shutdown() async {
        loop.requestStop()
        await loop.waitUntilFinished()
    }

    /// Serves until the calling task is cancelled, then shuts down.
    public func run() async throws {
        await waitForCancellation()
        await shutdown()
    }

    deinit {
        loop.requestStop()
        loop.joinBlocking()
    }
}

/// The worker's socket-thread state: one DEALER, re-created on reconnect.
final class WorkerEngine: SocketLoopHandler {
    private let endpoint: BusEndpoint
    private let service: String
    private let context: ZMQContext
    private let configuration: MajordomoWorker.Configuration
    private let logger: Logger
    private let replier: WorkerReplier
    private let onRequest: @Sendable (MajordomoRequest) -> Void
    private var socket: ZMQSocket?
    private var connection = 0
    private var brokerExpiry = ContinuousClock.now
    private var reconnectAt: ContinuousClock.Instant?

    init(endpoint: BusEndpoint, service: String, context: ZMQContext, configuration: MajordomoWorker.Configuration,
         logger: Logger, replier: WorkerReplier, onRequest: @escaping @Sendable (MajordomoRequest) -> Void) throws {
        self.replier = replier
        self.endpoint = endpoint
        self.service = service
        self.context = context
        self.configuration = configuration
        self.logger = logger
        self.onRequest = onRequest
        try connect()
    }

    var pollSockets: [ZMQSocket] { socket.map { [$0] } ?? [] }

    private func connect() throws {
        let socket = try context.socket(.dealer)
        try socket.connect(endpoint)
        try socket.send(MajordomoProtocol.workerReady(service: service))
        self.socket = socket
        connection += 1
        brokerExpiry = .now + configuration.heartbeat.expiry
        reconnectAt = nil
    }

    private func dropConnection(reason: String) {
        logger.warning("lost the broker; reconnecting", metadata: ["reason": "\(reason)", "endpoint": "\(endpoint)"])
        socket?.close()
        socket = nil
        reconnectAt = .now + configuration.reconnectDelay
    }

    func socketReadable(at index: Int) {
        for _ in 0..<256 {
            guard let socket else { return }
            let frames: Frames?
            do { frames = try socket.receive(dontWait: true) } catch {
                logger.error("worker receive failed", metadata: ["error": "\(error)"])
                return
            }
            guard let frames else { return }
            handle(frames)
        }
    }

    private func handle(_ frames: Frames) {
        typealias Command = MajordomoProtocol.WorkerCommand
        guard frames.count >= 2, frames[0] == MajordomoProtocol.workerHeader,
              let byte = MajordomoProtocol.commandByte(frames[1]), let command = Command(rawValue: byte) else {
            logger.warning("malformed message from broker dropped", metadata: ["frames": "\(frames.count)"])
            return
        }
        brokerExpiry = .now + configuration.heartbeat.expiry
        switch command {
        case .request:
            guard frames.count >= 5, frames[3].isEmpty else {
                logger.warning("REQUEST without address envelope dropped")
                return
            }
            onRequest(MajordomoRequest(clientAddress: frames[2], body: Array(frames[4...]),
                                       connection: connection, replier: replier))
        case .heartbeat:
            break
        case .disconnect:
            dropConnection(reason: "broker sent DISCONNECT")
            reconnectAt = .now
        default:
            logger.warning("unexpected command from broker dropped", metadata: ["command": "\(command)"])
        }
    }

    func reply(to request: MajordomoRequest, body: Frames, final: Bool) {
        guard let socket, request.connection == connection else {
            logger.debug("reply for a request of a previous broker connection dropped")
            return
        }
        do {
            try socket.send(MajordomoProtocol.workerReply(final: final, clientAddress: request.clientAddress, body: body),
                            dontWait: true)
        } catch {
            logger.warning("reply not sent", metadata: ["error": "\(error)"])
        }
    }

    func tick(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        if socket == nil, let reconnectAt, reconnectAt <= now {
            do { try connect() } catch {
                logger.error("reconnect failed", metadata: ["error": "\(error)"])
                self.reconnectAt = now + configuration.reconnectDelay
            }
        } else if let socket {
            if brokerExpiry < now {
                dropConnection(reason: "no heartbeat for \(configuration.heartbeat.expiry)")
            } else {
                try? socket.send(MajordomoProtocol.workerSignal(.heartbeat), dontWait: true)
            }
        }
        let next = now + configuration.heartbeat.interval
        if let reconnectAt { return min(next, reconnectAt) }
        return next
    }

    func loopWillExit() {
        if let socket {
            try? socket.set(.linger, 200)  // let the DISCONNECT leave
            try? socket.send(MajordomoProtocol.workerSignal(.disconnect), dontWait: true)
            socket.close()
        }
        socket = nil
    }
}

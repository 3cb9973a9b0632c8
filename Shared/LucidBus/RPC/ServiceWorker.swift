// The server side of the RPC layer: typed handlers per method of one Majordomo service, served by
// one or more MajordomoWorkers. Services see decoded request messages, never frames.

import Foundation
import Logging
import LucidProto
import SwiftProtobuf

/// Serves one service (e.g. "lucid.v1.Reasoner") over the bus.
///
/// ```swift
/// let worker = ServiceWorker(service: "lucid.v1.Reasoner", endpoint: endpoint)
/// worker.register(method: "Reason") { (request: Lucid_V1_ReasonRequest, context) in
///     try await reasoner.reason(request)
/// }
/// try await worker.run()   // until cancelled
/// ```
///
/// - Every request runs in its own task, off the socket threads; heavy work is the handler's to
///   move to its own threads.
/// - "Health" is answered automatically with a lucid.v1.HealthResponse: SERVING, the configured
///   version, worker id and model, the uptime, and `busy`, the requests in progress besides it.
/// - A handler throwing ``RPCError`` gives the caller that status; any other error gives INTERNAL.
///   An undecodable request gives INVALID_ARGUMENT, an unknown method UNIMPLEMENTED. A failing
///   handler never stops the worker.
/// - The handler's task is cancelled when the caller cancels (a broker cancel notice) or when the
///   request's deadline passes; the caller then gets CANCELLED or DEADLINE_EXCEEDED.
/// - `concurrency` workers (sockets) are registered, so that many requests run at once.
/// - One more socket is registered as the service's control worker, "<service>/control", which
///   serves only Health: the broker routes Health there when every other socket of the service is
///   busy, so a worker in the middle of a long request still answers Health (see ``ControlService``).
///
/// Sendable because its mutable fields (handlers, running calls, workers) are touched only under `lock`.
public final class ServiceWorker: @unchecked Sendable {
    /// Worker settings.
    public struct Configuration: Sendable {
        /// Requests served at once (one Majordomo worker socket each).
        public var concurrency: Int
        /// Heartbeat and reconnect settings of each Majordomo worker.
        public var worker: MajordomoWorker.Configuration
        /// Reported by Health.
        public var version: String
        /// Reported by Health; identifies this process.
        public var workerID: String
        /// Reported by Health: the identity of the weights served (see LucidModels' `ModelIdentity`);
        /// nil for a service without a model.
        public var model: String?

        public init(
            concurrency: Int = 1,
            worker: MajordomoWorker.Configuration = MajordomoWorker.Configuration(),
            version: String = "0.1.0",
            workerID: String = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)",
            model: String? = nil
        ) {
            self.concurrency = max(1, concurrency)
            self.worker = worker
            self.version = version
            self.workerID = workerID
            self.model = model
        }
    }

    /// A type-erased handler: request payload in, response payload out.
    typealias Handler = @Sendable (Data, RPCContext) async throws -> Data

    /// The Majordomo service name served.
    public let service: String
    /// A name for logs and service lifecycles.
    public var name: String { service }
    /// Identifies this process in logs and Health replies.
    public var workerID: String { configuration.workerID }
    /// The broker this worker registers with.
    public let endpoint: BusEndpoint
    private let context: ZMQContext
    private let configuration: Configuration
    private let logger: Logger
    private let started = ContinuousClock.now
    private let lock = NSLock()
    private var handlers: [String: Handler] = [:]
    /// Handler tasks by request id, with the task that cancels each at its deadline.
    private var running: [String: (handler: Task<Void, Never>, watchdog: Task<Void, Never>?)] = [:]
    /// Handlers started and not yet finished, Health calls included.
    private var inProgress = 0
    private var workers: [MajordomoWorker] = []

    /// Prepares a worker for `service` at the broker `endpoint`; call ``start()`` or ``run()``.
    public init(
        service: String,
        endpoint: BusEndpoint,
        context: ZMQContext = .shared,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "lucid.bus.service")
    ) {
        self.service = service
        self.endpoint = endpoint
        self.context = context
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "service"] = "\(service)"
        self.logger = logger
        register(method: "Health") { [weak self] (_: Lucid_V1_HealthRequest, _) in
            guard let self else { throw CancellationError() }
            return self.health()
        }
    }

    /// The answer to Health, given from within a Health handler (which `busy` does not count).
    private func health() -> Lucid_V1_HealthResponse {
        var health = Lucid_V1_HealthResponse()
        health.status = .serving
        health.service = service
        health.workerID = configuration.workerID
        health.version = configuration.version
        health.model = configuration.model ?? ""
        health.uptimeSeconds = started.duration(to: .now).seconds
        health.busy = UInt32(max(0, lock.withLock { inProgress } - 1))
        return health
    }

    /// Registers the handler of `method`. A later registration of the same method replaces it.
    public func register<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        method: String,
        handler: @escaping @Sendable (Request, RPCContext) async throws -> Response
    ) {
        let erased: Handler = { payload, context in
            let request: Request
            do { request = try Request(serializedBytes: payload) } catch {
                throw RPCError(code: .invalidArgument,
                               message: "cannot decode \(Request.protoMessageName) for \(context.method): \(error)")
            }
            return try await handler(request, context).serializedData()
        }
        lock.lock()
        handlers[method] = erased
        lock.unlock()
    }

    /// Registers with the broker: `concurrency` sockets for the service and one for its control
    /// worker. Throws when a socket cannot be made or connected.
    public func start() throws {
        var started: [MajordomoWorker] = []
        for _ in 0..<configuration.concurrency {
            started.append(try MajordomoWorker(
                endpoint: endpoint, service: service, context: context,
                configuration: configuration.worker, logger: logger
            ) { [weak self] request in self?.accept(request, control: false) })
        }
        started.append(try MajordomoWorker(
            endpoint: endpoint, service: ControlService.name(of: service), context: context,
            configuration: configuration.worker, logger: logger
        ) { [weak self] request in self?.accept(request, control: true) })
        lock.lock()
        workers += started
        lock.unlock()
    }

    /// Deregisters every socket, the control worker's included (DISCONNECT, so the broker re-queues
    /// requests in progress to other workers), closes the sockets, then cancels the handlers still
    /// running (their replies go nowhere) and waits for them to return, so that no work (a compute
    /// thread in a BLAS call, say) is still going on when the process exits.
    public func shutdown() async {
        let stopping = lock.withLock {
            defer { workers = [] }
            return workers
        }
        for worker in stopping { await worker.shutdown() }
        let tasks = lock.withLock { Array(running.values) }
        tasks.forEach { $0.handler.cancel() }
        for task in tasks { await task.handler.value }
    }

    /// Starts, serves until the calling task is cancelled, then shuts down.
    public func run() async throws {
        try start()
        await waitForCancellation()
        await shutdown()
    }

    // MARK: Serving (called on a worker socket thread; must return quickly)

    /// Starts the handler of `request`; on the control socket (`control`), only Health's.
    private func accept(_ request: MajordomoRequest, control: Bool) {
        guard request.body.count == 1, let envelope = try? Lucid_V1_RequestEnvelope(serializedBytes: request.body[0]) else {
            logger.warning("request that is not a lucid.v1.RequestEnvelope rejected", metadata: ["frames": "\(request.body.count)"])
            let reply = Lucid_V1_ReplyEnvelope.failure(
                requestID: "", code: .invalidArgument, message: "request body is not one lucid.v1.RequestEnvelope frame")
            request.reply(reply.frames, final: true)
            return
        }
        if envelope.cancel {
            lock.lock()
            let task = running[envelope.requestID]?.handler
            lock.unlock()
            task?.cancel()
            return
        }
        let context = RPCContext(service: service, envelope: envelope, request: request, logger: logger)
        if let deadline = context.deadline, deadline.timeIntervalSinceNow <= 0 {
            context.finish(.failure(requestID: envelope.requestID, code: .deadlineExceeded,
                                    message: "deadline passed before \(service) started \(envelope.method)"))
            return
        }
        if control && envelope.method != ControlService.method {
            let message = "\(ControlService.name(of: service)) serves only \(ControlService.method); call \(service)"
            context.finish(.failure(requestID: envelope.requestID, code: .unimplemented, message: message))
            return
        }
        lock.lock()
        let handler = handlers[envelope.method]
        lock.unlock()
        guard let handler else {
            context.finish(.failure(requestID: envelope.requestID, code: .unimplemented,
                                    message: "\(service) has no method \"\(envelope.method)\""))
            return
        }
        let requestID = envelope.requestID
        let payload = envelope.payload
        lock.lock()
        let task = Task { [weak self] in
            let reply = await Self.serve(handler, payload: payload, context: context)
            context.finish(reply)
            self?.finished(requestID)
        }
        let watchdog = context.timeRemaining.map { remaining in
            Task {
                try? await Task.sleep(for: remaining)
                guard !Task.isCancelled else { return }
                context.markExpired()
                task.cancel()
            }
        }
        running[requestID] = (task, watchdog)
        inProgress += 1
        lock.unlock()
    }

    private func finished(_ requestID: String) {
        lock.lock()
        let watchdog = running.removeValue(forKey: requestID)?.watchdog
        inProgress -= 1
        lock.unlock()
        watchdog?.cancel()
    }

    /// Runs `handler` and maps its outcome to a reply envelope.
    private static func serve(_ handler: @escaping Handler, payload: Data, context: RPCContext) async -> Lucid_V1_ReplyEnvelope {
        do {
            var reply = Lucid_V1_ReplyEnvelope()
            reply.requestID = context.requestID
            reply.payload = try await handler(payload, context)
            return reply
        } catch let error as RPCError {
            return .failure(requestID: context.requestID, code: error.code, message: error.message)
        } catch {
            if Task.isCancelled || error is CancellationError {
                if context.hasExpired {
                    return .failure(requestID: context.requestID, code: .deadlineExceeded,
                                    message: "\(context.service).\(context.method) ran past its deadline")
                }
                return .failure(requestID: context.requestID, code: .cancelled, message: "cancelled by the caller")
            }
            context.logger.error("handler failed", metadata: ["error": "\(error)"])
            return .failure(requestID: context.requestID, code: .internal,
                            message: "\(context.service).\(context.method) failed: \(error)")
        }
    }
}

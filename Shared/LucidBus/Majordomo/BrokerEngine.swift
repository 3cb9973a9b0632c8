// The broker's routing loop (runs on the broker's SocketLoop thread): a table of services, each a
// queue of requests and a queue of idle workers, and a table of workers by socket identity.
// Heartbeats, expiry, retries and deadlines are a few lines each in `tick`; a service's control
// worker takes the Health requests its busy workers cannot (`takeQueuedHealth`).

import Foundation
import Logging
import LucidProto

/// A client request waiting for, or being handled by, a worker.
private final class PendingRequest {
    let client: Data
    let service: String
    let body: Frames
    let metadata: RequestMetadata
    let deadline: ContinuousClock.Instant?
    var attempts = 0
    var cancelled = false

    init(client: Data, service: String, body: Frames, metadata: RequestMetadata, now: ContinuousClock.Instant) {
        self.client = client
        self.service = service
        self.body = body
        self.metadata = metadata
        self.deadline = metadata.deadline(now: now)
    }

    var key: RequestKey { RequestKey(client: client, requestID: metadata.requestID) }
}

/// Identifies a request for cancellation: the client's socket identity and its request id.
private struct RequestKey: Hashable {
    let client: Data
    let requestID: String
}

/// A connected worker of one service.
private final class WorkerRecord {
    let identity: Data
    let service: String
    var expiry: ContinuousClock.Instant
    var current: PendingRequest?

    init(identity: Data, service: String, expiry: ContinuousClock.Instant) {
        self.identity = identity
        self.service = service
        self.expiry = expiry
    }
}

/// One service: its waiting requests and idle workers (both FIFO).
private final class ServiceRecord {
    let name: String
    var requests: [PendingRequest] = []
    var idleWorkers: [WorkerRecord] = []
    var workerCount = 0 {
        didSet { if workerCount == 0 { unservedSince = .now } }
    }
    /// Since when the service has had no worker (its creation, or its last worker's departure).
    var unservedSince = ContinuousClock.now

    init(name: String) { self.name = name }
}

/// The broker state machine. Only ever touched on the broker thread.
final class BrokerEngine: SocketLoopHandler {
    private let socket: ZMQSocket
    private let configuration: MajordomoBroker.Configuration
    private let logger: Logger
    private let census: BrokerCensus
    private var workers: [Data: WorkerRecord] = [:]
    private var services: [String: ServiceRecord] = [:]
    private var inFlight: [RequestKey: WorkerRecord] = [:]

    init(socket: ZMQSocket, configuration: MajordomoBroker.Configuration, census: BrokerCensus, logger: Logger) {
        self.socket = socket
        self.configuration = configuration
        self.census = census
        self.logger = logger
    }

    var pollSockets: [ZMQSocket] { [socket] }

    func socketReadable(at index: Int) {
        // Bounded batch, so that ticks and posted work are never starved.
        for _ in 0..<256 {
            do {
                guard let frames = try socket.receive(dontWait: true) else { return }
                route(frames, now: .now)
            } catch {
                logger.error("broker receive failed", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    func tick(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        for worker in Array(workers.values) {
            if worker.expiry < now {
                logger.warning("worker expired", metadata: ["worker": "\(worker.identity.hex)", "service": "\(worker.service)"])
                remove(worker, now: now)
            } else {
                send([worker.identity] + MajordomoProtocol.workerSignal(.heartbeat))
            }
        }
        for (name, service) in services {
            service.requests.removeAll { request in
                if request.cancelled { return true }
                if let deadline = request.deadline, deadline <= now {
                    fail(request, .deadlineExceeded, "deadline exceeded while waiting for a worker of \(name)")
                    return true
                }
                if service.workerCount == 0, service.unservedSince.duration(to: now) >= configuration.unservedTimeout {
                    fail(request, .unavailable,
                         "no worker of service \(name) is registered (none for \(configuration.unservedTimeout.seconds) s)")
                    return true
                }
                return false
            }
            if service.requests.isEmpty && service.workerCount == 0 { services[name] = nil }
        }
        census.publish(services.mapValues {
            BrokerCensus.Service(workers: $0.workerCount, idleWorkers: $0.idleWorkers.count, queuedRequests: $0.requests.count)
        })
        return now + configuration.heartbeat.interval
    }

    func loopWillExit() {
        try? socket.set(.linger, 200)  // let the DISCONNECTs leave
        for worker in workers.values {
            send([worker.identity] + MajordomoProtocol.workerSignal(.disconnect))
        }
        socket.close()
    }

    // MARK: Routing

    private func route(_ frames: Frames, now: ContinuousClock.Instant) {
        guard frames.count >= 3 else { return drop(frames, "fewer than 3 frames") }
        switch frames[1] {
        case MajordomoProtocol.clientHeader: routeClient(frames, now: now)
        case MajordomoProtocol.workerHeader: routeWorker(frames, now: now)
        default: drop(frames, "unknown protocol header")
        }
    }

    private func routeClient(_ frames: Frames, now: ContinuousClock.Instant) {
        guard MajordomoProtocol.commandByte(frames[2]) == MajordomoProtocol.ClientCommand.request.rawValue else {
            return drop(frames, "client command is not REQUEST")
        }
        guard frames.count >= 5, let service = String(utf8Frame: frames[3]), !service.isEmpty else {
            return drop(frames, "client REQUEST without service name and body")
        }
        let body = Array(frames[4...])
        let metadata = RequestMetadata(body: body)
        let request = PendingRequest(client: frames[0], service: service, body: body, metadata: metadata, now: now)
        let size = body.reduce(0) { $0 + $1.count }
        if size > configuration.maxMessageSize {
            return fail(request, .resourceExhausted,
                        "request of \(size) bytes exceeds the bus limit of \(configuration.maxMessageSize) bytes")
        }
        if metadata.isCancel { return cancel(request.key) }
        if let deadline = request.deadline, deadline <= now {
            return fail(request, .deadlineExceeded, "deadline passed before the broker received the request")
        }
        enqueue(request)
    }

    private func routeWorker(_ frames: Frames, now: ContinuousClock.Instant) {
        typealias Command = MajordomoProtocol.WorkerCommand
        guard let byte = MajordomoProtocol.commandByte(frames[2]), let command = Command(rawValue: byte) else {
            return drop(frames, "unknown worker command")
        }
        let identity = frames[0]
        let worker = workers[identity]
        worker?.expiry = now + configuration.heartbeat.expiry

        switch command {
        case .ready:
            guard frames.count == 4, let service = String(utf8Frame: frames[3]), !service.isEmpty,
                  !service.hasPrefix("mmi.") else {
                return drop(frames, "READY without a valid service name")
            }
            if let worker {
                logger.warning("worker sent a second READY; disconnecting it", metadata: ["worker": "\(identity.hex)"])
                return disconnect(worker, now: now)
            }
            register(identity: identity, service: service, now: now)
        case .partial, .final:
            guard let worker else { return disconnectUnknown(identity) }
            guard frames.count >= 6, frames[4].isEmpty else { return drop(frames, "worker reply without address envelope") }
            reply(from: worker, client: frames[3], body: Array(frames[5...]), final: command == .final)
        case .heartbeat:
            if worker == nil { disconnectUnknown(identity) }
        case .disconnect:
            if let worker {
                logger.info("worker disconnected", metadata: ["worker": "\(identity.hex)", "service": "\(worker.service)"])
                remove(worker, now: now)
            }
        case .request:
            guard let worker else { return disconnectUnknown(identity) }
            logger.warning("worker sent REQUEST; disconnecting it", metadata: ["worker": "\(identity.hex)"])
            disconnect(worker, now: now)
        }
    }

    private func register(identity: Data, service name: String, now: ContinuousClock.Instant) {
        let worker = WorkerRecord(identity: identity, service: name, expiry: now + configuration.heartbeat.expiry)
        workers[identity] = worker
        let service = record(named: name)
        service.workerCount += 1
        service.idleWorkers.append(worker)
        logger.debug("worker ready", metadata: ["worker": "\(identity.hex)", "service": "\(name)", "workers": "\(service.workerCount)"])
        dispatch(service)
    }

    private func reply(from worker: WorkerRecord, client: Data, body: Frames, final: Bool) {
        guard let request = worker.current, request.client == client else {
            logger.debug("reply for no current request dropped", metadata: ["worker": "\(worker.identity.hex)"])
            return
        }
        // A worker that answered a cancel notice (instead of ignoring it) must not have that
        // answer taken for the reply to its current request.
        if !request.metadata.requestID.isEmpty, let replyID = RequestMetadata.replyRequestID(body),
           !replyID.isEmpty, replyID != request.metadata.requestID {
            logger.warning("reply for another request dropped",
                           metadata: ["worker": "\(worker.identity.hex)", "reply": "\(replyID)", "current": "\(request.metadata.requestID)"])
            return
        }
        if final {
            worker.current = nil
            inFlight[request.key] = nil
            if let service = services[worker.service] {
                service.idleWorkers.append(worker)
                dispatch(service)
            }
        }
        guard !request.cancelled else { return }
        let size = body.reduce(0) { $0 + $1.count }
        if size > configuration.maxMessageSize {
            let message = "reply of \(size) bytes exceeds the bus limit of \(configuration.maxMessageSize) bytes"
            logger.warning("oversized reply", metadata: ["service": "\(request.service)", "bytes": "\(size)"])
            if final { fail(request, .resourceExhausted, message) }
            return
        }
        let command: MajordomoProtocol.ClientCommand = final ? .final : .partial
        let delivered = send([client, MajordomoProtocol.clientHeader, command.frame, Data(request.service.utf8)] + body)
        if !delivered, !final {
            // The client's connection is gone: nobody will read the result, so the work stops.
            logger.info("client gone; its request is cancelled",
                        metadata: ["service": "\(request.service)", "request": "\(request.metadata.requestID)"])
            cancel(request.key)
        }
    }

    /// The record of service `name`, created when it has none.
    private func record(named name: String) -> ServiceRecord {
        if let service = services[name] { return service }
        let service = ServiceRecord(name: name)
        services[name] = service
        return service
    }

    /// Queues `request` for its service (at the head when it is being retried) and dispatches; a
    /// Health request the service's workers cannot take now goes to its control worker if one is idle.
    private func enqueue(_ request: PendingRequest, retry: Bool = false) {
        let service = record(named: request.service)
        if !retry, request.metadata.method != ControlService.method,
           service.requests.count >= configuration.maxQueuedRequests {
            fail(request, .resourceExhausted,
                 "\(service.requests.count) requests are already waiting for a worker of \(service.name); try again later")
            return
        }
        if retry {
            service.requests.insert(request, at: 0)
        } else {
            service.requests.append(request)
        }
        dispatch(service)
        if request.metadata.method == ControlService.method, let control = services[ControlService.name(of: request.service)] {
            dispatch(control)
        }
    }

    private func dispatch(_ service: ServiceRecord) {
        takeQueuedHealth(into: service)
        let now = ContinuousClock.now
        while !service.idleWorkers.isEmpty, !service.requests.isEmpty {
            let request = service.requests.removeFirst()
            if request.cancelled { continue }
            if let deadline = request.deadline, deadline <= now {
                fail(request, .deadlineExceeded, "deadline exceeded while waiting for a worker of \(request.service)")
                continue
            }
            let worker = service.idleWorkers.removeFirst()
            worker.current = request
            if !request.metadata.requestID.isEmpty { inFlight[request.key] = worker }
            send([worker.identity, MajordomoProtocol.workerHeader, MajordomoProtocol.WorkerCommand.request.frame,
                  request.client, Data()] + request.body)
        }
    }

    /// When `control` is a service's control worker (see ``ControlService``), moves Health requests
    /// waiting for that service (all of whose workers are busy) to `control`, one per idle control
    /// worker. Other requests never leave their service's queue.
    private func takeQueuedHealth(into control: ServiceRecord) {
        guard let name = ControlService.service(ofControl: control.name), let service = services[name] else { return }
        var free = control.idleWorkers.count - control.requests.count
        while free > 0, let index = service.requests.firstIndex(where: { $0.metadata.method == ControlService.method }) {
            control.requests.append(service.requests.remove(at: index))
            free -= 1
        }
    }

    private func cancel(_ key: RequestKey) {
        guard !key.requestID.isEmpty else { return }
        if let worker = inFlight[key], let request = worker.current {
            request.cancelled = true
            inFlight[key] = nil
            var notice = Lucid_V1_RequestEnvelope()
            notice.requestID = key.requestID
            notice.cancel = true
            let body = (try? notice.serializedData()) ?? Data()
            send([worker.identity, MajordomoProtocol.workerHeader, MajordomoProtocol.WorkerCommand.request.frame,
                  key.client, Data(), body])
            logger.debug("cancel forwarded to worker", metadata: ["request": "\(key.requestID)"])
            return
        }
        for service in services.values {
            for request in service.requests where request.key == key { request.cancelled = true }
        }
    }

    /// Drops a worker; its in-flight request is re-queued (or failed after too many attempts).
    private func remove(_ worker: WorkerRecord, now: ContinuousClock.Instant) {
        workers[worker.identity] = nil
        guard let service = services[worker.service] else { return }
        service.workerCount -= 1
        service.idleWorkers.removeAll { $0 === worker }
        guard let request = worker.current else { return }
        worker.current = nil
        inFlight[request.key] = nil
        if request.cancelled { return }
        request.attempts += 1
        if request.attempts > configuration.maxRetries {
            fail(request, .unavailable,
                 "the workers of \(request.service) handling this request stopped responding (\(request.attempts) attempts)")
            return
        }
        logger.info("re-queueing request of a lost worker",
                    metadata: ["service": "\(request.service)", "request": "\(request.metadata.requestID)", "attempt": "\(request.attempts)"])
        enqueue(request, retry: true)
    }

    private func disconnect(_ worker: WorkerRecord, now: ContinuousClock.Instant) {
        send([worker.identity] + MajordomoProtocol.workerSignal(.disconnect))
        remove(worker, now: now)
    }

    private func disconnectUnknown(_ identity: Data) {
        logger.debug("message from unregistered worker; sending DISCONNECT", metadata: ["worker": "\(identity.hex)"])
        send([identity] + MajordomoProtocol.workerSignal(.disconnect))
    }

    /// Sends the client a FINAL whose body is a ReplyEnvelope with `code` and `message`.
    private func fail(_ request: PendingRequest, _ code: Lucid_V1_StatusCode, _ message: String) {
        let envelope = Lucid_V1_ReplyEnvelope.failure(requestID: request.metadata.requestID, code: code, message: message)
        logger.debug("request failed in broker", metadata: ["service": "\(request.service)", "code": "\(code)", "reason": "\(message)"])
        send([request.client, MajordomoProtocol.clientHeader, MajordomoProtocol.ClientCommand.final.frame,
              Data(request.service.utf8)] + envelope.frames)
    }

    /// Sends `frames` to the peer named by the first frame; false when that peer is no longer
    /// connected (EHOSTUNREACH, which ROUTER_MANDATORY reports), true otherwise.
    @discardableResult
    private func send(_ frames: Frames) -> Bool {
        do {
            try socket.send(frames, dontWait: true)
        } catch {
            logger.debug("message to peer not delivered", metadata: ["peer": "\(frames.first?.hex ?? "")", "error": "\(error)"])
            if let error = error as? ZMQError, error.code == EHOSTUNREACH { return false }
        }
        return true
    }

    private func drop(_ frames: Frames, _ reason: String) {
        logger.warning("malformed message dropped",
                       metadata: ["peer": "\(frames.first?.hex ?? "")", "frames": "\(frames.count)", "reason": "\(reason)"])
    }
}

extension Data {
    /// Lowercase hex, for logging socket identities.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension String {
    /// The string when `data` is valid UTF-8.
    init?(utf8Frame data: Data) {
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        self = text
    }
}

// The client side of the RPC layer: typed calls to service methods over one Majordomo client
// socket, many calls in flight at once, replies matched by request id.

import Foundation
import Logging
import LucidProto
import SwiftProtobuf

/// One event of a streaming call: a progress message (PARTIAL) or the result (FINAL, last).
public enum RPCEvent<Progress: SwiftProtobuf.Message, Result: SwiftProtobuf.Message>: Sendable {
    case progress(Progress)
    case result(Result)
}

/// Calls service methods through a Majordomo broker.
///
/// ```swift
/// let client = try RPCClient(endpoint: "ipc:///run/user/1000/luciddrag/gateway.sock")
/// let answer: Lucid_V1_ReasonResponse = try await client.call(
///     service: "lucid.v1.Reasoner", method: "Reason", request, deadline: .seconds(30))
/// ```
///
/// Failures are thrown as ``RPCError``: the service's or broker's status, DEADLINE_EXCEEDED when
/// `deadline` passes first (checked here, in the broker and in the worker), CANCELLED when the
/// calling task is cancelled. On deadline or cancellation the client stops waiting at once and
/// sends a cancel envelope, so the broker drops the queued request or tells the worker, and any
/// late reply is discarded.
///
/// Sendable because its mutable fields (pending calls, the MDP client) are touched only under `lock`.
public final class RPCClient: @unchecked Sendable {
    /// What the socket thread delivers to a call.
    enum RawEvent: Sendable {
        case progress(Data)
        case result(Data)
    }

    private struct PendingCall {
        let service: String
        let continuation: AsyncThrowingStream<RawEvent, Error>.Continuation
    }

    private let lock = NSLock()
    private var calls: [String: PendingCall] = [:]
    private var client: MajordomoClient?
    private let logger: Logger

    /// Connects to the broker at `endpoint`.
    public init(endpoint: BusEndpoint, context: ZMQContext = .shared, logger: Logger = Logger(label: "lucid.bus.rpc-client")) throws {
        self.logger = logger
        let box = WeakBox<RPCClient>()
        client = try MajordomoClient(endpoint: endpoint, context: context, logger: logger) { reply in
            box.value?.deliver(reply)
        }
        box.value = self
    }

    /// Calls `method` of `service` and returns its result, ignoring progress messages.
    public func call<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        service: String,
        method: String,
        _ request: Request,
        returning: Response.Type = Response.self,
        deadline: Duration? = nil,
        traceID: String? = nil
    ) async throws -> Response {
        let events = try start(service: service, method: method, request, deadline: deadline, traceID: traceID)
        for try await event in events {
            if case .result(let payload) = event { return try Self.decode(Response.self, payload, method: method) }
        }
        try Self.checkCancelled(method: method)
        throw RPCError(code: .internal, message: "\(service).\(method): the reply stream ended without a result")
    }

    /// Calls a streaming `method`: yields each progress message, then the result, then ends.
    /// Ending the iteration early (or cancelling the consuming task) cancels the call.
    public func stream<Request: SwiftProtobuf.Message, Progress: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        service: String,
        method: String,
        _ request: Request,
        progress: Progress.Type = Progress.self,
        returning: Response.Type = Response.self,
        deadline: Duration? = nil,
        traceID: String? = nil
    ) -> AsyncThrowingStream<RPCEvent<Progress, Response>, Error> {
        let (output, continuation) = AsyncThrowingStream<RPCEvent<Progress, Response>, Error>.makeStream()
        let task = Task {
            do {
                let events = try self.start(service: service, method: method, request, deadline: deadline, traceID: traceID)
                for try await event in events {
                    switch event {
                    case .progress(let payload):
                        continuation.yield(.progress(try Self.decode(Progress.self, payload, method: method)))
                    case .result(let payload):
                        continuation.yield(.result(try Self.decode(Response.self, payload, method: method)))
                        continuation.finish()
                        return
                    }
                }
                try Self.checkCancelled(method: method)
                continuation.finish(throwing: RPCError(code: .internal, message: "\(service).\(method): the reply stream ended without a result"))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return output
    }

    /// Calls "Health" on `service`.
    public func health(service: String, deadline: Duration = .seconds(5)) async throws -> Lucid_V1_HealthResponse {
        try await call(service: service, method: "Health", Lucid_V1_HealthRequest(), deadline: deadline)
    }

    /// Fails the calls in flight with UNAVAILABLE and closes the socket. Idempotent.
    public func shutdown() async {
        let (pending, closing) = lock.withLock {
            defer { calls = [:]; client = nil }
            return (calls, client)
        }
        for call in pending.values {
            call.continuation.finish(throwing: RPCError(code: .unavailable, message: "the RPC client was shut down"))
        }
        await closing?.shutdown()
    }

    // MARK: Calls

    /// Sends the request and returns the stream of its raw replies.
    func start<Request: SwiftProtobuf.Message>(
        service: String, method: String, _ request: Request, deadline: Duration?, traceID: String?
    ) throws -> AsyncThrowingStream<RawEvent, Error> {
        var envelope = Lucid_V1_RequestEnvelope()
        envelope.method = method
        envelope.requestID = UUID().uuidString
        envelope.traceID = traceID ?? envelope.requestID
        envelope.payload = try request.serializedData()
        if let deadline {
            envelope.deadlineUnixMs = Int64((Date().timeIntervalSince1970 + deadline.seconds) * 1000)
        }
        let body = try envelope.serializedData()
        let requestID = envelope.requestID

        let (events, continuation) = AsyncThrowingStream<RawEvent, Error>.makeStream()
        lock.lock()
        guard let client else {
            lock.unlock()
            throw RPCError(code: .unavailable, message: "the RPC client was shut down")
        }
        calls[requestID] = PendingCall(service: service, continuation: continuation)
        lock.unlock()

        let timer = deadline.map { deadline in
            Task { [weak self] in
                try await Task.sleep(for: deadline)
                self?.abandon(requestID, error: RPCError(
                    code: .deadlineExceeded, message: "\(service).\(method) did not finish within \(deadline)"))
            }
        }
        continuation.onTermination = { [weak self] termination in
            timer?.cancel()
            if case .cancelled = termination {
                self?.abandon(requestID, error: nil)
            }
        }
        client.send(service: service, body: [body])
        return events
    }

    /// Stops waiting for `requestID`, tells the broker, and ends its stream with `error`.
    private func abandon(_ requestID: String, error: RPCError?) {
        lock.lock()
        let call = calls.removeValue(forKey: requestID)
        let client = client
        lock.unlock()
        guard let call else { return }
        var notice = Lucid_V1_RequestEnvelope()
        notice.requestID = requestID
        notice.cancel = true
        if let body = try? notice.serializedData() {
            client?.send(service: call.service, body: [body])
        }
        if let error { call.continuation.finish(throwing: error) } else { call.continuation.finish() }
    }

    /// Routes a reply to its call (runs on the client socket thread).
    private func deliver(_ reply: MajordomoReply) {
        guard reply.body.count == 1, let envelope = try? Lucid_V1_ReplyEnvelope(serializedBytes: reply.body[0]) else {
            logger.warning("reply that is not a lucid.v1.ReplyEnvelope dropped", metadata: ["service": "\(reply.service)"])
            return
        }
        lock.lock()
        let ends = reply.isFinal || envelope.status.code != .ok
        let call = ends ? calls.removeValue(forKey: envelope.requestID) : calls[envelope.requestID]
        lock.unlock()
        guard let call else {
            logger.debug("reply for a finished or unknown call dropped", metadata: ["request": "\(envelope.requestID)"])
            return
        }
        if envelope.status.code != .ok {
            call.continuation.finish(throwing: RPCError(status: envelope.status))
        } else if reply.isFinal {
            call.continuation.yield(.result(envelope.payload))
            call.continuation.finish()
        } else {
            call.continuation.yield(.progress(envelope.payload))
        }
    }

    private static func decode<Message: SwiftProtobuf.Message>(_ type: Message.Type, _ payload: Data, method: String) throws -> Message {
        do { return try Message(serializedBytes: payload) } catch {
            throw RPCError(code: .internal, message: "cannot decode the \(Message.protoMessageName) of \(method): \(error)")
        }
    }

    private static func checkCancelled(method: String) throws {
        if Task.isCancelled { throw RPCError(code: .cancelled, message: "\(method) was cancelled by the caller") }
    }
}

/// A weak reference, so that the socket thread's callback does not keep its owner alive.
///
/// Sendable because `value` is set once, before the box is shared, and weak loads are atomic; the
/// referent's own thread-safety is the reader's business.
final class WeakBox<Value: AnyObject>: @unchecked Sendable {
    weak var value: Value?
}

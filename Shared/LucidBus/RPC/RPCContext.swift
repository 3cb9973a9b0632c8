// What a server handler knows about the call it serves, and its channel for progress messages.

import Foundation
import Logging
import LucidProto
import SwiftProtobuf

/// The call a handler is serving: metadata from the request envelope, a logger that carries the
/// request and trace ids, and ``sendProgress(_:)`` for PARTIAL replies.
///
/// Sendable because its mutable fields are touched only under `lock`, and the request it answers hands
/// its replies to the worker's socket thread.
public final class RPCContext: @unchecked Sendable {
    /// The Majordomo service name, e.g. "lucid.v1.Sampler".
    public let service: String
    /// The method name, e.g. "Edit".
    public let method: String
    /// Unique per call, chosen by the client.
    public let requestID: String
    /// Carried unchanged through every hop of one user request; pass it on to downstream calls.
    public let traceID: String
    /// When the caller stops waiting, if it set a deadline. The handler's task is cancelled then.
    public let deadline: Date?
    /// A logger with `request` and `trace` metadata.
    public let logger: Logger

    private let request: MajordomoRequest
    private let lock = NSLock()
    private var finished = false
    private var expired = false

    init(service: String, envelope: Lucid_V1_RequestEnvelope, request: MajordomoRequest, logger: Logger) {
        self.service = service
        method = envelope.method
        requestID = envelope.requestID
        traceID = envelope.traceID
        deadline = envelope.deadlineUnixMs > 0 ? Date(timeIntervalSince1970: Double(envelope.deadlineUnixMs) / 1000) : nil
        var logger = logger
        logger[metadataKey: "method"] = "\(envelope.method)"
        logger[metadataKey: "request"] = "\(envelope.requestID)"
        if !envelope.traceID.isEmpty { logger[metadataKey: "trace"] = "\(envelope.traceID)" }
        self.logger = logger
        self.request = request
    }

    /// The time left until the deadline (nil when there is none).
    public var timeRemaining: Duration? {
        deadline.map { .milliseconds(Int64(($0.timeIntervalSinceNow * 1000).rounded(.up))) }
    }

    /// True once the deadline watchdog has cancelled the handler.
    var hasExpired: Bool { lock.withLock { expired } }

    /// Records that the handler is being cancelled because its deadline passed.
    func markExpired() { lock.withLock { expired = true } }

    /// Sends `progress` to the caller as a PARTIAL reply. Ignored after the call has finished.
    public func sendProgress<Progress: SwiftProtobuf.Message>(_ progress: Progress) throws {
        var envelope = Lucid_V1_ReplyEnvelope()
        envelope.requestID = requestID
        envelope.payload = try progress.serializedData()
        try send(envelope, final: false)
    }

    /// Sends the FINAL reply; later replies are ignored.
    func finish(_ envelope: Lucid_V1_ReplyEnvelope) {
        try? send(envelope, final: true)
    }

    private func send(_ envelope: Lucid_V1_ReplyEnvelope, final: Bool) throws {
        let body = try envelope.serializedData()
        lock.lock()
        let alreadyFinished = finished
        if final { finished = true }
        lock.unlock()
        guard !alreadyFinished else { return }
        request.reply([body], final: final)
    }
}

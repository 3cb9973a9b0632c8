// What the broker reads from the envelopes it routes: from a request, the lucid.v1.RequestEnvelope
// fields it acts on (method, request id, deadline, cancel); from a reply, the ReplyEnvelope's request id.
// Bodies that are not an envelope are routed as opaque MDP.

import Foundation

/// The request envelope fields the broker needs; empty for bodies that are not one RequestEnvelope.
struct RequestMetadata {
    /// The method called, e.g. "Health" (which a service's control worker may answer).
    var method = ""
    var requestID = ""
    /// Unix milliseconds; 0 = none.
    var deadlineUnixMilliseconds: Int64 = 0
    var isCancel = false

    /// Field numbers of lucid.v1.RequestEnvelope (rpc.proto).
    private enum Field {
        static let method: UInt64 = 1
        static let requestID: UInt64 = 2
        static let deadline: UInt64 = 4
        static let cancel: UInt64 = 6
    }

    init(body: Frames) {
        guard body.count == 1,
              let fields = ProtobufWireFields(body[0], stringFields: [Field.method, Field.requestID]) else { return }
        method = fields.strings[Field.method] ?? ""
        requestID = fields.strings[Field.requestID] ?? ""
        deadlineUnixMilliseconds = Int64(bitPattern: fields.varints[Field.deadline] ?? 0)
        isCancel = (fields.varints[Field.cancel] ?? 0) != 0
    }

    /// The deadline on the monotonic clock, if the envelope has one.
    func deadline(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard deadlineUnixMilliseconds > 0 else { return nil }
        let remaining = deadlineUnixMilliseconds - Int64(Date().timeIntervalSince1970 * 1000)
        return now + .milliseconds(remaining)
    }

    /// The request id of a reply body that is one lucid.v1.ReplyEnvelope (field 1), else nil.
    static func replyRequestID(_ body: Frames) -> String? {
        guard body.count == 1 else { return nil }
        return ProtobufWireFields(body[0], stringFields: [1])?.strings[1]
    }
}

// What the broker reads from a request body: the lucid.v1.RequestEnvelope fields it acts on
// (request id, deadline, cancel). Bodies that are not an envelope are routed as opaque MDP.

import Foundation
import LucidProto

/// The envelope fields the broker needs; empty for bodies that are not one RequestEnvelope.
struct RequestMetadata {
    var requestID = ""
    /// Unix milliseconds; 0 = none.
    var deadlineUnixMilliseconds: Int64 = 0
    var isCancel = false

    init(body: Frames) {
        guard body.count == 1, let envelope = try? Lucid_V1_RequestEnvelope(serializedBytes: body[0]) else {
            return
        }
        requestID = envelope.requestID
        deadlineUnixMilliseconds = envelope.deadlineUnixMs
        isCancel = envelope.cancel
    }

    /// The deadline on the monotonic clock, if the envelope has one.
    func deadline(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard deadlineUnixMilliseconds > 0 else { return nil }
        let remaining = deadlineUnixMilliseconds - Int64(Date().timeIntervalSince1970 * 1000)
        return now + .milliseconds(remaining)
    }
}

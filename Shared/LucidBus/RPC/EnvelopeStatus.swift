// Building reply envelopes that carry a status; used by the broker for its own errors and by the
// RPC layer for handler outcomes.

import Foundation
import LucidProto

extension Lucid_V1_ReplyEnvelope {
    /// An envelope reporting `code` with `message` for `requestID` (empty payload).
    static func failure(requestID: String, code: Lucid_V1_StatusCode, message: String) -> Self {
        var envelope = Self()
        envelope.requestID = requestID
        envelope.status.code = code
        envelope.status.message = message
        return envelope
    }

    /// The serialized envelope as a one-frame MDP body.
    var frames: Frames {
        // Serializing a message built in memory cannot fail (no required fields in proto3).
        [(try? serializedData()) ?? Data()]
    }
}

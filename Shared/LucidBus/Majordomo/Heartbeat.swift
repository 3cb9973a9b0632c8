// Heartbeat settings shared by the broker and its workers (MDP/0.2 "Heartbeating").

/// How often peers send HEARTBEAT, and how many intervals of silence mean the peer is dead.
/// Broker and workers must agree on these (RFC 18, "Known Weaknesses").
public struct Heartbeat: Sendable, Equatable {
    /// Time between heartbeats.
    public var interval: Duration
    /// Intervals without any message after which the peer counts as disconnected (3–5 usual).
    public var liveness: Int

    public init(interval: Duration = .milliseconds(2500), liveness: Int = 3) {
        self.interval = interval
        self.liveness = max(1, liveness)
    }

    /// Silence longer than this means the peer is gone.
    public var expiry: Duration { interval * liveness }
}

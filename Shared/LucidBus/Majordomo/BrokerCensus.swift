// What the broker serves, as a snapshot other threads may read: workers and queued requests per
// service, refreshed by the broker thread once a heartbeat interval.
import Foundation

/// The broker's services as last counted (at most one heartbeat interval old).
///
/// Sendable because every stored property is read and written only under `lock`.
public final class BrokerCensus: @unchecked Sendable {
    /// One service: its live workers, how many of them are idle, and the requests waiting for one.
    public struct Service: Sendable, Equatable {
        public var workers: Int
        public var idleWorkers: Int
        public var queuedRequests: Int
    }

    private let lock = NSLock()
    private var services: [String: Service] = [:]

    init() {}

    /// Every service with a worker or a queued request, by Majordomo name (control services included).
    public var snapshot: [String: Service] {
        lock.withLock { services }
    }

    func publish(_ services: [String: Service]) {
        lock.withLock { self.services = services }
    }
}

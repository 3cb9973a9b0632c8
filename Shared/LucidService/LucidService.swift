// The lifecycle every LucidDrag service follows: run until the surrounding task is cancelled, then
// shut down gracefully (stop taking work, finish or fail what is in flight, close sockets) and return.
import ServiceLifecycle

/// A long-running part of a process: a Majordomo broker, a worker of one service, a client loop.
/// A swift-service-lifecycle `Service` that stops when its task is cancelled; see
/// `ServiceGroup.init(lucidServices:logger:)` for how a process runs several.
public protocol LucidService: Service {
    /// A short name for logs, e.g. "broker" or "lucid.v1.Reasoner".
    var name: String { get }

    /// Serves until the calling task is cancelled, then shuts down gracefully and returns.
    /// Throws when the service cannot start or fails while serving.
    func run() async throws
}

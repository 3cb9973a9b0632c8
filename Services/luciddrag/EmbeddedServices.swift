// Every LucidDrag service running inside this command (`edit --embedded`, `demo`) for as long as it
// needs them, set up from the embedded handler table.
import Foundation
import LucidBus
import LucidService
import ServiceLifecycle

/// The embedded deployment and the task that runs it.
struct EmbeddedServices {
    /// The broker's in-process endpoint, for this process's clients.
    let endpoint: BusEndpoint
    private let group: ServiceGroup
    private let runner: Task<Void, Error>

    /// Starts the broker and every service with `embeddedHandlers(model:)`; logs at `error` and above,
    /// so that standard error stays with the progress bars.
    static func start(model: URL, label: String) throws -> EmbeddedServices {
        ServiceLogging.bootstrap(level: .error)
        let configuration = ServiceConfiguration(bus: .inproc(named: "luciddrag-\(label)"), workerID: "\(label)-\(getpid())")
        let logger = ServiceLogging.logger("luciddrag.\(label)", workerID: configuration.workerID)
        let deployment = try ServiceAssembly.embedded(
            configuration: configuration, logger: logger, handlers: embeddedHandlers(model: model))
        // Stopped by `stop()`; the command watches the signals itself.
        let group = ServiceGroup(lucidServices: deployment.services, logger: logger)
        let runner = Task { try await group.run() }
        return EmbeddedServices(endpoint: deployment.localEndpoint, group: group, runner: runner)
    }

    /// Stops every service (workers first, the broker last).
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await runner.value
    }
}

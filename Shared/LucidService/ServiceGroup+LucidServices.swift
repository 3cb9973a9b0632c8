// The services of one process in a swift-service-lifecycle ServiceGroup: started in order, stopped one
// at a time in reverse order, so that workers leave the bus before the broker closes it.
import Logging
import ServiceLifecycle

/// Why a set of services stopped without being asked to.
public struct ServiceEndedError: Error, CustomStringConvertible {
    /// The service that stopped first.
    public let service: String
    /// What it threw, or nil when it returned on its own.
    public let underlying: Error?

    public var description: String {
        if let underlying { return "\(service) failed: \(underlying)" }
        return "\(service) stopped on its own"
    }
}

extension ServiceGroup {
    /// A group that starts `services` in order. `triggerGracefulShutdown()` (on a shutdown signal,
    /// say) or a service ending by itself stops the others one at a time, in reverse order of start,
    /// each by cancelling it. `run()` then returns, or throws `ServiceEndedError` naming the first
    /// service that ended without being asked to. (Cancelling the task that runs the group cancels
    /// every service at once instead.)
    public init(lucidServices services: [any LucidService], logger: Logger) {
        let configurations = services.map {
            ServiceGroupConfiguration.ServiceConfiguration(
                service: StoppedByCancellation(service: $0, logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup)
        }
        self.init(configuration: ServiceGroupConfiguration(services: configurations, logger: logger))
    }
}

/// A `LucidService` as its group runs it: cancelled when the group shuts it down gracefully, and an
/// end that nobody asked for turned into `ServiceEndedError`.
private struct StoppedByCancellation: Service, CustomStringConvertible {
    let service: any LucidService
    let logger: Logger

    var description: String { service.name }

    func run() async throws {
        let service = service
        do {
            try await cancelWhenGracefulShutdown { try await service.run() }
        } catch {
            guard Self.isStopping else { throw ServiceEndedError(service: service.name, underlying: error) }
            if !(error is CancellationError) { logger.warning("\(service.name) failed while stopping: \(error)") }
            return
        }
        guard Self.isStopping else { throw ServiceEndedError(service: service.name, underlying: nil) }
        logger.debug("\(service.name) stopped")
    }

    private static var isStopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }
}

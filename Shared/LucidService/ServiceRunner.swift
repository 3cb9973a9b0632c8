// Runs the services of one process side by side until a shutdown signal arrives, then stops them one
// at a time in reverse order of start, so that workers leave the bus before the broker closes it.
import Logging

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

/// Runs services until a shutdown signal, the caller's cancellation, or the first of them ending.
public struct ServiceRunner: Sendable {
    public let services: [any LucidService]
    public let logger: Logger

    public init(services: [any LucidService], logger: Logger) {
        self.services = services
        self.logger = logger
    }

    private enum Event: Sendable {
        case signal(ShutdownSignal)
        case ended(index: Int, error: Error?)
        case cancelled
    }

    /// Starts every service in order, then waits for the first of: a signal from `signals`, the
    /// cancellation of the calling task, or a service ending. Shuts the rest down in reverse order.
    ///
    /// - Returns: the signal that stopped the services, or nil when the caller cancelled.
    /// - Throws: `ServiceEndedError` when a service ended before being asked to stop.
    @discardableResult
    public func run(until signals: ShutdownSignalWatcher) async throws -> ShutdownSignal? {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let tasks = services.enumerated().map { index, service in
            Task { () -> Error? in
                var failure: Error?
                do { try await service.run() } catch { failure = error }
                continuation.yield(.ended(index: index, error: failure))
                return failure
            }
        }
        let signalTask = Task {
            if let signal = await signals.wait() { continuation.yield(.signal(signal)) }
        }
        let first = await withTaskCancellationHandler {
            var iterator = events.makeAsyncIterator()
            return await iterator.next() ?? .cancelled
        } onCancel: {
            continuation.yield(.cancelled)
        }
        signalTask.cancel()
        signals.cancel()

        var failure: ServiceEndedError?
        var failedIndex: Int?
        switch first {
        case .signal(let signal):
            logger.info("received \(signal), shutting down")
        case .cancelled:
            logger.info("cancelled, shutting down")
        case .ended(let index, let error):
            let ended = ServiceEndedError(service: services[index].name, underlying: error)
            logger.error("\(ended), shutting down the others")
            failure = ended
            failedIndex = index
        }
        for (index, task) in tasks.enumerated().reversed() {
            let service = services[index]
            task.cancel()
            let error = await task.value
            if let error, !(error is CancellationError), index != failedIndex {
                logger.warning("\(service.name) failed while stopping: \(error)")
            } else {
                logger.debug("\(service.name) stopped")
            }
        }
        continuation.finish()
        if let failure { throw failure }
        if case .signal(let signal) = first { return signal }
        return nil
    }
}

// The body of every service executable: resolve the configuration, set up logging and signal
// handling, run the services until SIGTERM/SIGINT, and exit with a status that says how it went.
import ArgumentParser
import Foundation
import Logging
import LucidBus
import ServiceLifecycle

/// Runs the services of one process and exits: 0 after a shutdown signal, 1 when a service could
/// not start or failed. (ArgumentParser exits 64 for a bad flag or environment value.)
public enum ServiceProcess {
    /// Runs a single worker of `service` (reasoner, sampler, discriminator executables), its
    /// methods registered by `handlers` (which may throw to refuse to start, e.g. missing weights).
    /// Throws `ValidationError` for a bad flag or environment value; otherwise never returns.
    public static func runWorker(
        _ service: ServiceName, options: ServiceOptions, handlers: @escaping ServiceHandlers
    ) async throws -> Never {
        try await runModelWorker(service, options: options) { logger in
            (model: nil, handlers: { worker in try handlers(worker, logger) })
        }
    }

    /// Runs a single worker of a service that serves weights (sampler, discriminator): `load` reads
    /// them once logging is set up (throwing refuses to start, e.g. for a missing or damaged folder)
    /// and gives their identity, which Health reports, and the handlers that serve them.
    /// Throws `ValidationError` for a bad flag or environment value; otherwise never returns.
    public static func runModelWorker(
        _ service: ServiceName, options: ServiceOptions,
        load: (Logger) throws -> (model: String?, handlers: (ServiceWorker) throws -> Void)
    ) async throws -> Never {
        let configuration = try options.configuration(service: service.shortName)
        await run(label: "luciddrag.\(service.shortName)", configuration: configuration) { logger in
            let (model, handlers) = try load(logger)
            let worker = ServiceAssembly.worker(service, endpoint: configuration.bus, workerID: configuration.workerID,
                                                configuration: configuration, model: model, logger: logger)
            try handlers(worker)
            return [worker]
        }
    }

    /// Runs the gateway: the broker on `--bus` and every `--bind`, and the gateway's own worker with
    /// its methods registered by `handlers` (given the broker's private endpoint for its own calls),
    /// and beside them the services `companions` makes on that endpoint (given the broker's census).
    /// Throws `ValidationError` for a bad flag or environment value; otherwise never returns.
    public static func runGateway(
        options: GatewayOptions, handlers: (ServiceWorker, _ localEndpoint: BusEndpoint, Logger) throws -> Void,
        companions: (_ localEndpoint: BusEndpoint, BrokerCensus, Logger) throws -> [any LucidService] = { _, _, _ in [] }
    ) async throws -> Never {
        let configuration = try options.service.configuration(service: ServiceName.gateway.shortName)
        await run(label: "luciddrag.gateway", configuration: configuration) { logger in
            try ServiceAssembly.gateway(extraEndpoints: options.bind, configuration: configuration, logger: logger,
                                        handlers: handlers, companions: companions)
        }
    }

    /// Sets up logging and signals, builds the services with `make`, runs them in a `ServiceGroup`
    /// until a shutdown signal, and exits the process.
    public static func run(
        label: String, configuration: ServiceConfiguration,
        make: (Logger) throws -> [any LucidService]
    ) async -> Never {
        ServiceLogging.bootstrap(level: configuration.logLevel)
        let logger = ServiceLogging.logger(label, workerID: configuration.workerID)
        if let keys = configuration.curveClient { ZMQContext.shared.curveClient = keys }
        let signals = await ShutdownSignals()
        let services: [any LucidService]
        do {
            services = try make(logger)
        } catch {
            logger.critical("cannot start: \(error)")
            exit(1)
        }
        logger.info("serving", metadata: [
            "bus": "\(configuration.bus)", "version": "\(LucidVersion.current)",
            "curve": "\(configuration.curveServer != nil ? "server" : configuration.curveClient != nil ? "client" : "off")",
            "services": "\(services.map(\.name).joined(separator: ","))",
        ])
        let group = ServiceGroup(lucidServices: services, logger: logger)
        let watcher = Task {
            guard let signal = await signals.first() else { return }
            logger.info("received \(signal), shutting down")
            await group.triggerGracefulShutdown()
        }
        do {
            try await group.run()
            watcher.cancel()
            logger.info("stopped")
            exit(0)
        } catch {
            logger.critical("stopped after a failure: \(error)")
            exit(1)
        }
    }
}

/// The gateway's flags: the shared service flags plus further endpoints for the broker.
public struct GatewayOptions: ParsableArguments {
    @OptionGroup public var service: ServiceOptions

    @Option(help: "A further endpoint for the broker to bind (repeatable), e.g. tcp://0.0.0.0:5555.",
            transform: { try BusEndpoint($0) })
    public var bind: [BusEndpoint] = []

    public init() {}
}

// How the LucidDrag processes are put together from the bus: the gateway (broker plus its own
// worker), a single service worker, or everything at once in one process (the embedded mode).
import Foundation
import Logging
import LucidBus

extension MajordomoBroker: LucidService {}
extension ServiceWorker: LucidService {}

/// Everything of LucidDrag in one process, and the endpoints to reach it.
public struct EmbeddedDeployment: Sendable {
    /// In start order: the broker, the gateway's worker, then reasoner, sampler, discriminator.
    public let services: [any LucidService]
    /// The broker's in-process endpoint (for clients in this process).
    public let localEndpoint: BusEndpoint
    /// The broker's other endpoints, as bound (tcp "*" ports resolved).
    public let externalEndpoints: [BusEndpoint]
}

/// Registers a service's own methods on its worker; given by the executable that owns the service.
public typealias ServiceHandlers = (ServiceWorker, Logger) throws -> Void

/// Builds the services of each kind of LucidDrag process from one configuration.
public enum ServiceAssembly {
    /// Gateway requests served at once by one gateway process.
    public static let gatewayConcurrency = 16

    /// A worker for `service` connected to `endpoint`, its heartbeat, worker id and version taken
    /// from `configuration`. It answers Health, reporting `model` (the identity of the weights a
    /// model service serves); the caller registers the service's own methods. The gateway takes
    /// ``gatewayConcurrency`` requests at once (its work is waiting on others); the model services
    /// one each, so that the broker balances edits over processes.
    public static func worker(
        _ service: ServiceName, endpoint: BusEndpoint, workerID: String, configuration: ServiceConfiguration,
        model: String? = nil, logger: Logger
    ) -> ServiceWorker {
        ServiceWorker(
            service: service.rawValue,
            endpoint: endpoint,
            configuration: .init(
                concurrency: service == .gateway ? gatewayConcurrency : 1,
                worker: .init(heartbeat: configuration.heartbeat),
                version: LucidVersion.current,
                workerID: workerID,
                model: model),
            logger: logger)
    }

    /// A Majordomo broker bound to `endpoints` (refused with `BusError.endpointInUse` when a live
    /// broker already serves one of its ipc:// endpoints).
    public static func broker(
        endpoints: [BusEndpoint], configuration: ServiceConfiguration, logger: Logger
    ) throws -> MajordomoBroker {
        try MajordomoBroker(
            endpoints: endpoints,
            configuration: .init(heartbeat: configuration.heartbeat, curve: configuration.curveServer),
            logger: logger)
    }

    /// The gateway process: the broker bound to `configuration.bus` and `extraEndpoints` plus a
    /// private in-process endpoint, then the gateway's own worker on that one, set up by `handlers`,
    /// which get the private endpoint for the gateway's own calls to the other services, then the
    /// services `companions` makes to run beside them on that endpoint (the HTTP API), given the
    /// broker's census of workers.
    public static func gateway(
        extraEndpoints: [BusEndpoint] = [], configuration: ServiceConfiguration, logger: Logger,
        handlers: (ServiceWorker, _ localEndpoint: BusEndpoint, Logger) throws -> Void,
        companions: (_ localEndpoint: BusEndpoint, BrokerCensus, Logger) throws -> [any LucidService] = { _, _, _ in [] }
    ) throws -> [any LucidService] {
        let local = privateEndpoint()
        let broker = try broker(
            endpoints: [configuration.bus] + extraEndpoints + [local], configuration: configuration, logger: logger)
        let gateway = worker(.gateway, endpoint: local, workerID: configuration.workerID,
                             configuration: configuration, logger: logger)
        try handlers(gateway, local, logger)
        return [broker, gateway] + (try companions(local, broker.census, logger))
    }

    /// All four services as threads of one process around a broker on a private inproc:// endpoint,
    /// also bound to `externalEndpoints` so that workers and clients outside can join.
    /// `configuration.bus` is not used: pass it in `externalEndpoints` to bind it. Each worker is set
    /// up by its entry in `handlers` (a service without one answers only Health), which gets the
    /// private endpoint for calls to the other services.
    public static func embedded(
        externalEndpoints: [BusEndpoint] = [], configuration: ServiceConfiguration, logger: Logger,
        handlers: [ServiceName: (ServiceWorker, _ localEndpoint: BusEndpoint, Logger) throws -> Void] = [:]
    ) throws -> EmbeddedDeployment {
        let local = privateEndpoint()
        let broker = try broker(
            endpoints: [local] + externalEndpoints, configuration: configuration, logger: logger)
        let workers = try ServiceName.allCases.map { service in
            let worker = worker(service, endpoint: local, workerID: "\(configuration.workerID)/\(service.shortName)",
                                configuration: configuration, logger: logger)
            try handlers[service]?(worker, local, logger)
            return worker
        }
        return EmbeddedDeployment(
            services: [broker] + workers, localEndpoint: local,
            externalEndpoints: Array(broker.boundEndpoints.dropFirst()))
    }

    /// A fresh inproc:// name, so that several deployments can share one process (as tests do).
    private static func privateEndpoint() -> BusEndpoint {
        BusEndpoint.inproc(named: "luciddrag-\(UUID().uuidString.prefix(8).lowercased())")
    }
}

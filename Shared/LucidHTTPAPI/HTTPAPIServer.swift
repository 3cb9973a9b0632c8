/// HTTPAPIServer: the HTTP API as one more service of the gateway process — it serves until the
/// calling task is cancelled, calling the gateway, the reasoner and Health through the broker.
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import LucidBus

/// Where the HTTP API listens and what it accepts.
public struct HTTPAPISettings: Sendable {
    public var host: String
    public var port: Int
    /// When set, every /v1 route needs `Authorization: Bearer <token>`.
    public var token: String?
    public var limits: APILimits
    /// The services `GET /v1/health` asks, by Majordomo name.
    public var services: [String]

    public init(host: String, port: Int, token: String? = nil, limits: APILimits = APILimits(), services: [String]) {
        self.host = host
        self.port = port
        self.token = token
        self.limits = limits
        self.services = services
    }
}

/// Why the HTTP API cannot start.
public enum HTTPAPIError: Error, CustomStringConvertible {
    /// A file or folder is missing from the target's resources (a broken installation).
    case missingResource(String)

    public var description: String {
        switch self {
        case .missingResource(let name): "\(name) is missing from LucidHTTPAPI's resources (LucidDrag_LucidHTTPAPI.resources next to the executable)"
        }
    }
}

public struct HTTPAPIServer: Sendable {
    public let name = "http"
    private let settings: HTTPAPISettings
    private let client: RPCClient
    private let openAPI: Data
    private let web: WebAssets
    private let metrics: APIMetrics
    private let logger: Logger

    /// A server that reaches the services through the broker at `endpoint`; `/metrics` counts the
    /// broker's workers from `census` when the broker is in this process.
    public init(settings: HTTPAPISettings, endpoint: BusEndpoint, census: BrokerCensus? = nil, logger: Logger) throws {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw HTTPAPIError.missingResource("openapi.json")
        }
        openAPI = try Data(contentsOf: url)
        web = try WebAssets.bundled()
        metrics = APIMetrics(census: census, services: settings.services)
        self.settings = settings
        self.logger = logger
        client = try RPCClient(endpoint: endpoint, logger: logger)
    }

    /// Serves until the calling task is cancelled; then cancels every edit job (closing their event
    /// streams), stops the server gracefully (requests in flight are answered) and returns.
    /// Throws when the address cannot be bound.
    public func run() async throws {
        let jobs = EditJobs(client: client, limits: settings.limits, metrics: metrics, logger: logger)
        let routes = HTTPAPIRoutes(jobs: jobs, client: client, settings: settings, openAPI: openAPI, web: web, metrics: metrics)
        let app = Application(
            router: try routes.router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "luciddrag"),
            onServerRunning: { [logger, settings] _ in
                logger.info("HTTP API listening", metadata: [
                    "address": "\(settings.host):\(settings.port)", "token": "\(settings.token == nil ? "none" : "required")",
                ])
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        // The server runs outside this task, so that cancelling this one shuts it down gracefully
        // rather than cancelling its connections.
        let server = Task { try await group.run() }
        await withTaskCancellationHandler {
            _ = await server.result
        } onCancel: {
            Task {
                await jobs.cancelAll()
                await group.triggerGracefulShutdown()
            }
        }
        await jobs.cancelAll()
        await client.shutdown()
        try await server.value
    }
}

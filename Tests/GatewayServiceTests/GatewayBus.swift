/// GatewayBus: a real broker on a private inproc:// endpoint with, as in-process ServiceWorkers, the
/// gateway, the built-in reasoner (counting its calls) and scripted samplers — and a client.
import Foundation
import LucidBus
import LucidGatewayService
import LucidProto
import LucidReasonerService

final class GatewayBus {
    let endpoint = BusEndpoint.inproc(named: "gateway-tests-\(UUID().uuidString.prefix(8).lowercased())")
    let reasoner: CountingReasoner
    let client: RPCClient
    private let broker: MajordomoBroker
    private var workers: [ServiceWorker] = []

    /// Starts the broker, the gateway and the reasoner (answering after `reasonerDelay`); add
    /// samplers with ``addSampler(_:workerID:)``.
    init(settings: GatewaySettings = GatewaySettings(), reasonerDelay: Duration = .zero) throws {
        reasoner = CountingReasoner(delay: reasonerDelay)
        broker = try MajordomoBroker(endpoints: [endpoint])
        client = try RPCClient(endpoint: endpoint)
        let gateway = ServiceWorker(service: "lucid.v1.Gateway", endpoint: endpoint)
        try gateway.serveGateway(endpoint: endpoint, settings: settings)
        let reasonerWorker = ServiceWorker(service: "lucid.v1.Reasoner", endpoint: endpoint)
        reasonerWorker.serveReasoner(with: reasoner)
        for worker in [gateway, reasonerWorker] { try start(worker) }
    }

    /// Registers a sampler worker named `workerID` that edits with `sampler` (nil: one without Edit).
    func addSampler(_ sampler: ScriptedSampler?, workerID: String) throws {
        let worker = ServiceWorker(service: "lucid.v1.Sampler", endpoint: endpoint, configuration: .init(workerID: workerID))
        sampler?.serve(on: worker, workerID: workerID)
        try start(worker)
    }

    /// Calls Gateway.Edit and collects its progress messages and its result.
    func edit(_ request: Lucid_V1_GatewayEditRequest) async throws -> (progress: [Lucid_V1_GatewayProgress], result: Lucid_V1_GatewayEditResult) {
        var progress: [Lucid_V1_GatewayProgress] = []
        let events = client.stream(
            service: "lucid.v1.Gateway", method: "Edit", request,
            progress: Lucid_V1_GatewayEditReply.self, returning: Lucid_V1_GatewayEditReply.self, deadline: .seconds(60))
        for try await event in events {
            switch event {
            case .progress(let reply): progress.append(reply.progress)
            case .result(let reply): return (progress, reply.result)
            }
        }
        throw RPCError(code: .internal, message: "the stream ended without a result")
    }

    func shutdown() async {
        await client.shutdown()
        for worker in workers { await worker.shutdown() }
        await broker.shutdown()
    }

    private func start(_ worker: ServiceWorker) throws {
        try worker.start()
        workers.append(worker)
    }
}

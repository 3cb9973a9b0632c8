/// HTTPAPIHarness: a real broker on a private inproc:// endpoint with the gateway, the built-in
/// reasoner and a demo-model sampler as in-process workers, and the HTTP API on a free 127.0.0.1
/// port in front of them — and a URLSession client for it.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import LucidBus
import LucidGatewayService
import LucidHTTPAPI
import LucidReasonerService
import LucidReasoning
import LucidSamplerService
import LucidTestSupport

final class HTTPAPIHarness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    private static let engine = Result {
        try SamplerEngine(modelFolder: root.appendingPathComponent("Models/demo-world"), quality: .local)
    }
    static let services = ["lucid.v1.Gateway", "lucid.v1.Reasoner", "lucid.v1.Sampler"]

    let base: URL
    let client: RPCClient
    private let broker: MajordomoBroker
    private var workers: [ServiceWorker] = []
    private let server: Task<Void, Error>

    /// Starts everything and returns once the HTTP API answers.
    init(limits: APILimits = APILimits(), token: String? = nil) async throws {
        let endpoint = BusEndpoint.inproc(named: "http-tests-\(UUID().uuidString.prefix(8).lowercased())")
        broker = try MajordomoBroker(endpoints: [endpoint])
        let gateway = ServiceWorker(service: "lucid.v1.Gateway", endpoint: endpoint, configuration: .init(concurrency: 16))
        try gateway.serveGateway(endpoint: endpoint)
        let reasoner = ServiceWorker(service: "lucid.v1.Reasoner", endpoint: endpoint)
        reasoner.serveReasoner(with: BuiltinBackend())
        let sampler = ServiceWorker(service: "lucid.v1.Sampler", endpoint: endpoint)
        try sampler.serveSampler(Self.engine.get(), endpoint: endpoint)
        for worker in [gateway, reasoner, sampler] {
            try worker.start()
            workers.append(worker)
        }
        client = try RPCClient(endpoint: endpoint)

        let port = try TCPPort.free()
        base = URL(string: "http://127.0.0.1:\(port)")!
        let api = try HTTPAPIServer(
            settings: HTTPAPISettings(host: "127.0.0.1", port: port, token: token, limits: limits, services: Self.services),
            endpoint: endpoint, census: broker.census, logger: Logger(label: "http-tests"))
        server = Task { try await api.run() }
        try await waitUntilListening()
    }

    func shutdown() async {
        server.cancel()
        _ = await server.result
        await client.shutdown()
        for worker in workers.reversed() { await worker.shutdown() }
        await broker.shutdown()
    }

    // MARK: Requests

    /// Sends `method` to `path`, with `json` as the body and `token` as the bearer, and returns
    /// the status, the body and the response.
    func send(_ method: String, _ path: String, json: [String: Any]? = nil, token: String? = nil) async throws
        -> (status: Int, body: Data, response: HTTPURLResponse) {
        try await send(method, path, body: try json.map { try JSONSerialization.data(withJSONObject: $0) },
                       contentType: "application/json", token: token)
    }

    /// Sends `method` to `path` with `body` of `contentType`.
    func send(_ method: String, _ path: String, body: Data?, contentType: String, token: String? = nil) async throws
        -> (status: Int, body: Data, response: HTTPURLResponse) {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 300
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, data, http)
    }

    /// The body as a JSON object.
    static func object(_ data: Data) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Task 0032 of the dev set, dragged (60.04, 33.2) → (55.99, 32.44) unless `handle` says otherwise.
    static func task0032(handle: [Double] = [60.04, 33.2], intentions: Int = 2, steps: Int = 4) throws -> [String: Any] {
        let folder = root.appendingPathComponent("Benchmarks/data/drag-dev/task-0032")
        return [
            "image": try Data(contentsOf: folder.appendingPathComponent("input.png")).base64EncodedString(),
            "mask": try Data(contentsOf: folder.appendingPathComponent("mask.png")).base64EncodedString(),
            "pairs": [["handle": handle, "target": [55.99, 32.44]]],
            "intentions": intentions,
            "seed": 7,
            "steps": steps,
        ]
    }

    private func waitUntilListening() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                _ = try await send("GET", "openapi.json")
                return
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

/// ScaleBenchmark: `luciddrag bench scale` — for each transport and fleet shape, start the services as
/// real processes, warm every sampler, then time single edits, one N-intention edit and a batch of
/// edits sent at once, and stop the fleet before the next one starts (so rows never share the cores).
import Foundation
import LucidBus
import LucidProto

/// Runs scale measurements over fleets of real service processes.
public enum ScaleBenchmark {
    public struct Options: Sendable {
        /// Task folders (demo-world format) the edits are made from.
        public var tasks: URL
        public var fleets: [FleetShape]
        public var transports: [BusEndpoint.Transport]
        /// One-intention edits sent at once per batch.
        public var batchEdits: Int
        /// Intentions of the spread edit.
        public var spreadIntentions: Int
        /// Single edits timed one at a time.
        public var singleEdits: Int
        public var steps: Int
        public var seed: UInt64
        /// Where luciddrag-gateway, -reasoner, -sampler and -discriminator are.
        public var binDirectory: URL
        /// The diffusers folder the samplers and the discriminator load; nil for their default.
        public var model: String?
        /// Each fleet's process logs go under here.
        public var logDirectory: URL

        public init(tasks: URL, fleets: [FleetShape], transports: [BusEndpoint.Transport], batchEdits: Int, spreadIntentions: Int,
                    singleEdits: Int, steps: Int, seed: UInt64, binDirectory: URL, model: String?, logDirectory: URL) {
            self.tasks = tasks
            self.fleets = fleets
            self.transports = transports
            self.batchEdits = batchEdits
            self.spreadIntentions = spreadIntentions
            self.singleEdits = singleEdits
            self.steps = steps
            self.seed = seed
            self.binDirectory = binDirectory
            self.model = model
            self.logDirectory = logDirectory
        }
    }

    /// Measures every (transport, fleet) in order, calling `onResult` after each; `log` gets progress lines.
    public static func run(_ options: Options, log: @Sendable (String) -> Void = { _ in },
                           onResult: (FleetResult) throws -> Void = { _ in }) async throws -> [FleetResult] {
        let requests = try ScaleEditRequests(directory: options.tasks, limit: max(options.batchEdits, options.singleEdits),
                                             steps: options.steps, seed: options.seed)
        var results: [FleetResult] = []
        for transport in options.transports {
            for fleet in options.fleets {
                log("\(transport.rawValue) \(fleet.words): starting")
                let result = try await measure(fleet, on: transport, requests: requests, options: options, log: log)
                results.append(result)
                try onResult(result)
            }
        }
        return results
    }

    static func endpoint(_ transport: BusEndpoint.Transport) throws -> BusEndpoint {
        switch transport {
        case .ipc: return try BusEndpoint.ipc(named: "scale-\(UUID().uuidString.prefix(8).lowercased())")
        case .tcp: return try ServiceFleet.freeLoopbackTCP()
        case .inproc: throw ScaleBenchError.invalid("inproc:// cannot join processes: use ipc or tcp")
        }
    }

    static func measure(_ shape: FleetShape, on transport: BusEndpoint.Transport, requests: ScaleEditRequests,
                        options: Options, log: @Sendable (String) -> Void) async throws -> FleetResult {
        let logs = options.logDirectory.appendingPathComponent("\(transport.rawValue)-\(shape)")
        let fleet = try ServiceFleet(shape: shape, bus: try endpoint(transport), binDirectory: options.binDirectory,
                                     model: options.model, logDirectory: logs)
        defer { fleet.stop() }
        let client = try RPCClient(endpoint: fleet.bus)
        do {
            try await fleet.waitUntilReady(client: client)
            // Warm-up: one short edit per sampler at once, so that no timed edit pays a first call's costs.
            var warmUp = requests.request(0)
            warmUp.options.steps = 2
            _ = try await concurrently(Array(repeating: warmUp, count: shape.samplers), client: client)
            log("  ready and warm (\(fleet.samplerIDs.count) samplers); \(options.singleEdits) single edits")

            var singleLatencies: [Double] = [], samplerSeconds: [Double] = []
            for index in 0..<options.singleEdits {
                let edit = try await client.timedGatewayEdit(requests.request(index))
                singleLatencies.append(edit.latency)
                samplerSeconds.append(edit.succeeded.first?.details.seconds ?? .nan)
            }
            log("  one edit of \(options.spreadIntentions) intentions")
            let spread = try await client.timedGatewayEdit(requests.request(0, intentions: options.spreadIntentions))

            log("  \(options.batchEdits) edits at once")
            let started = ContinuousClock.now
            let batch = try await concurrently((0..<options.batchEdits).map { requests.request($0) }, client: client)
            let batchSeconds = (ContinuousClock.now - started).seconds
            await client.shutdown()
            let result = FleetResult(
                transport: transport.rawValue, fleet: shape, batchEdits: batch.count, batchSeconds: batchSeconds,
                batchLatencies: batch.map(\.latency), batchSamplersUsed: Set(batch.flatMap(\.workers)).count,
                spreadIntentions: options.spreadIntentions, spreadSeconds: spread.latency, spreadSamplersUsed: spread.workers.count,
                singleLatencies: singleLatencies, singleSamplerSeconds: samplerSeconds)
            log(String(format: "  %.1f edits/min, p50 %.1f s, p95 %.1f s; %d intentions in %.1f s", result.editsPerMinute,
                       result.batchP50, result.batchP95, result.spreadIntentions, result.spreadSeconds))
            return result
        } catch {
            await client.shutdown()
            throw ScaleBenchError.fleetFailed("\(transport.rawValue) \(shape.words): \(error); process logs in \(logs.path)")
        }
    }

    /// Sends every request at once; returns the timed edits in completion order.
    static func concurrently(_ requests: [Lucid_V1_GatewayEditRequest], client: RPCClient) async throws -> [TimedEdit] {
        try await withThrowingTaskGroup(of: TimedEdit.self) { group in
            for request in requests {
                group.addTask { try await client.timedGatewayEdit(request) }
            }
            var edits: [TimedEdit] = []
            for try await edit in group { edits.append(edit) }
            return edits
        }
    }
}

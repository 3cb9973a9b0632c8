// The individual measurements of BusBenchmark. Blocking socket loops run on their own threads,
// bridged to async code, never on the cooperative pool.

import Foundation
import Logging
import LucidProto

extension BusBenchmark {
    /// Sorted round-trip samples.
    struct Samples {
        let sorted: [Duration]
        init(_ samples: [Duration]) { sorted = samples.sorted() }
        var p50: Duration { percentile(0.50) }
        var p99: Duration { percentile(0.99) }
        func percentile(_ q: Double) -> Duration {
            guard !sorted.isEmpty else { return .zero }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
        }
    }

    /// Runs `body` on a new thread and returns its result.
    static func onThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = name
            thread.start()
        }
    }

    /// Times `count` synchronous round trips of `roundTrip` after `warmup` untimed ones.
    static func time(_ options: Options, _ roundTrip: () throws -> Void) rethrows -> Samples {
        for _ in 0..<options.warmup { try roundTrip() }
        var samples: [Duration] = []
        samples.reserveCapacity(options.roundTrips)
        let clock = ContinuousClock()
        for _ in 0..<options.roundTrips {
            samples.append(try clock.measure(roundTrip))
        }
        return Samples(samples)
    }

    /// DEALER → ROUTER echo → DEALER, each socket on its own thread.
    static func measureDirect(_ transport: BusEndpoint.Transport, _ options: Options) async throws -> Samples {
        let router = try ZMQContext.shared.socket(.router)
        let bound = try router.bind(try endpoint(transport, "direct"))
        let echo = Thread {
            // Echoes [identity, body] until a message with an empty body; then closes the socket.
            while let frames = try? router.receive(), frames.count == 2, !frames[1].isEmpty {
                try? router.send(frames)
            }
            router.close()
        }
        echo.start()
        let body = try envelopeBody(options)
        return try await onThread("lucid.bench.direct") { () -> Samples in
            let dealer = try ZMQContext.shared.socket(.dealer)
            defer { dealer.close() }
            try dealer.connect(bound)
            let samples = try time(options) {
                try dealer.send([body])
                _ = try dealer.receive()
            }
            try dealer.send([Data()])
            return samples
        }
    }

    /// MDP client → broker → MDP worker and back, both peers raw sockets on their own threads.
    static func measureRawBroker(_ transport: BusEndpoint.Transport, _ options: Options, logger: Logger) async throws -> Samples {
        let broker = try MajordomoBroker(endpoints: [try endpoint(transport, "broker")], logger: logger)
        let bound = broker.boundEndpoints[0]
        let worker = try ZMQContext.shared.socket(.dealer)
        try worker.connect(bound)
        try worker.send(MajordomoProtocol.workerReady(service: service))
        let requestID = UUID().uuidString
        let reply = try replyBody(options, requestID: requestID)
        let echo = Thread {
            // Answers each REQUEST with a FINAL until the broker sends DISCONNECT; then closes.
            typealias Command = MajordomoProtocol.WorkerCommand
            while let frames = try? worker.receive(), frames.count >= 2,
                  frames[1] != Data([Command.disconnect.rawValue]) {
                if frames[1] == Data([Command.request.rawValue]), frames.count >= 5 {
                    try? worker.send(MajordomoProtocol.workerReply(final: true, clientAddress: frames[2], body: [reply]))
                } else {
                    try? worker.send(MajordomoProtocol.workerSignal(.heartbeat))
                }
            }
            worker.close()
        }
        echo.start()
        let body = try envelopeBody(options, requestID: requestID)
        let samples = try await onThread("lucid.bench.mdp") { () -> Samples in
            let client = try ZMQContext.shared.socket(.dealer)
            defer { client.close() }
            try client.connect(bound)
            let request = MajordomoProtocol.clientRequest(service: service, body: [body])
            return try time(options) {
                try client.send(request)
                _ = try client.receive()
            }
        }
        await broker.shutdown()  // sends the worker DISCONNECT, which ends its thread
        return samples
    }

    /// RPCClient.call → broker → ServiceWorker echo handler, sequentially.
    static func measureRPC(_ transport: BusEndpoint.Transport, _ options: Options, logger: Logger) async throws -> Samples {
        let (broker, workers, client) = try await rpcStack(transport, workers: 1, work: .zero, logger: logger)
        var request = Lucid_V1_Tensor()
        request.data = payload(options)
        let clock = ContinuousClock()
        for _ in 0..<options.warmup {
            let _: Lucid_V1_Tensor = try await client.call(service: service, method: "Echo", request)
        }
        var samples: [Duration] = []
        samples.reserveCapacity(options.roundTrips)
        for _ in 0..<options.roundTrips {
            let start = clock.now
            let _: Lucid_V1_Tensor = try await client.call(service: service, method: "Echo", request)
            samples.append(start.duration(to: clock.now))
        }
        await client.shutdown()
        for worker in workers { await worker.shutdown() }
        await broker.shutdown()
        return Samples(samples)
    }

    /// Requests per second of the full RPC stack with `workers` workers, `inFlight` calls at once,
    /// each spending `work` in its handler.
    static func measureThroughput(_ transport: BusEndpoint.Transport, workers count: Int, work: Duration,
                                  _ options: Options, logger: Logger) async throws -> Double {
        let (broker, workers, client) = try await rpcStack(transport, workers: count, work: work, logger: logger)
        let request = Lucid_V1_Tensor.with { $0.data = payload(options) }
        let perTask = max(1, options.throughputRequests / options.inFlight)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<options.inFlight {
                group.addTask {
                    for _ in 0..<perTask {
                        let _: Lucid_V1_Tensor = try await client.call(service: service, method: "Echo", request)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = start.duration(to: .now).seconds
        await client.shutdown()
        for worker in workers { await worker.shutdown() }
        await broker.shutdown()
        return Double(perTask * options.inFlight) / elapsed
    }

    /// A broker, `workers` echo ServiceWorkers (all registered; each waits `work` per request) and
    /// a client.
    static func rpcStack(_ transport: BusEndpoint.Transport, workers count: Int, work: Duration, logger: Logger) async throws
        -> (MajordomoBroker, [ServiceWorker], RPCClient) {
        let broker = try MajordomoBroker(endpoints: [try endpoint(transport, "rpc")], logger: logger)
        let bound = broker.boundEndpoints[0]
        let workers = (0..<count).map { index in
            ServiceWorker(service: service, endpoint: bound,
                          configuration: ServiceWorker.Configuration(workerID: "bench-\(index)"), logger: logger)
        }
        for worker in workers {
            worker.register(method: "Echo") { (request: Lucid_V1_Tensor, _) in
                if work > .zero { try await Task.sleep(for: work) }
                return request
            }
            try worker.start()
        }
        let client = try RPCClient(endpoint: bound, logger: logger)
        // Wait until every worker has registered: `count` Health calls at once reach `count` workers.
        var seen = Set<String>()
        for _ in 0..<500 where seen.count < count {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<count { group.addTask { try await client.health(service: service).workerID } }
                for try await id in group { seen.insert(id) }
            }
        }
        return (broker, workers, client)
    }
}

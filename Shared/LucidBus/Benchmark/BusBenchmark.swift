// `luciddrag bench bus`: what the broker costs. For 64 KiB payloads over inproc:// and ipc:// it
// measures, in one run, the round trip of a direct DEALER/ROUTER echo, the same echo through the
// Majordomo broker (raw MDP peers on their own threads, RPC envelope in the body), and the full
// RPC stack (RPCClient → broker → ServiceWorker, async/await on both ends); then throughput of the
// full stack with 1, 2 and 4 workers, with an echo handler (the bus's own cost) and with a handler
// that waits a little per request (how the broker spreads work over workers).

import Foundation
import Logging
import LucidProto

/// The bus benchmark. ``run(_:logger:)`` returns a ``Report`` whose ``Report/table`` prints it.
public enum BusBenchmark {
    /// What to measure.
    public struct Options: Sendable {
        /// Bytes of payload per request and per reply.
        public var payloadBytes: Int
        /// Timed round trips per latency row (after `warmup` untimed ones).
        public var roundTrips: Int
        public var warmup: Int
        /// Requests per throughput row.
        public var throughputRequests: Int
        /// Requests kept in flight during throughput rows.
        public var inFlight: Int
        /// Worker counts of the throughput rows.
        public var workerCounts: [Int]
        /// Transports measured.
        public var transports: [BusEndpoint.Transport]
        /// Time each request spends in the handler in the second throughput table (zero: no table).
        public var simulatedWork: Duration

        public init(
            payloadBytes: Int = 64 * 1024,
            roundTrips: Int = 2000,
            warmup: Int = 200,
            throughputRequests: Int = 2000,
            inFlight: Int = 16,
            workerCounts: [Int] = [1, 2, 4],
            transports: [BusEndpoint.Transport] = [.inproc, .ipc],
            simulatedWork: Duration = .milliseconds(1)
        ) {
            self.payloadBytes = payloadBytes
            self.roundTrips = roundTrips
            self.warmup = warmup
            self.throughputRequests = throughputRequests
            self.inFlight = inFlight
            self.workerCounts = workerCounts
            self.transports = transports
            self.simulatedWork = simulatedWork
        }
    }

    /// Round-trip latency of one path.
    public struct LatencyRow: Sendable {
        public let transport: BusEndpoint.Transport
        public let path: String
        public let p50: Duration
        public let p99: Duration
    }

    /// Requests per second through the broker with `workers` workers.
    public struct ThroughputRow: Sendable {
        public let transport: BusEndpoint.Transport
        public let workers: Int
        /// Time spent in the handler per request (zero for the echo rows).
        public let work: Duration
        public let requestsPerSecond: Double
        public let megabytesPerSecond: Double
    }

    /// The measurements and their printable table.
    public struct Report: Sendable {
        public let options: Options
        public let latency: [LatencyRow]
        public let throughput: [ThroughputRow]

        /// p50 of the broker path minus p50 of the direct path, per transport.
        public func brokerOverheadP50(_ transport: BusEndpoint.Transport) -> Duration? {
            let rows = latency.filter { $0.transport == transport }
            guard let direct = rows.first(where: { $0.path == Path.direct }),
                  let broker = rows.first(where: { $0.path == Path.broker }) else { return nil }
            return broker.p50 - direct.p50
        }

        /// The report as aligned text tables.
        public var table: String {
            var lines = ["bus benchmark: \(options.payloadBytes / 1024) KiB payloads, \(options.roundTrips) round trips per row",
                         "",
                         pad("transport", 10) + pad("path", 34) + pad("p50 µs", 10, right: true) + pad("p99 µs", 10, right: true)]
            for row in latency {
                lines.append(pad("\(row.transport)", 10) + pad(row.path, 34) + pad(micros(row.p50), 10, right: true)
                             + pad(micros(row.p99), 10, right: true))
            }
            for transport in options.transports {
                if let overhead = brokerOverheadP50(transport) {
                    let verdict = overhead <= .microseconds(50) ? "within" : "over"
                    lines.append("\(transport): broker adds \(micros(overhead)) µs p50 over direct (\(verdict) the 50 µs goal)")
                }
            }
            lines += ["", "throughput (full RPC stack, \(options.inFlight) requests in flight)",
                      pad("transport", 10) + pad("handler", 14) + pad("workers", 8, right: true)
                      + pad("req/s", 10, right: true) + pad("MB/s", 10, right: true)]
            for row in throughput {
                let handler = row.work == .zero ? "echo" : "echo + \(Int(row.work.seconds * 1e3)) ms"
                lines.append(pad("\(row.transport)", 10) + pad(handler, 14) + pad("\(row.workers)", 8, right: true)
                             + pad(String(format: "%.0f", row.requestsPerSecond), 10, right: true)
                             + pad(String(format: "%.1f", row.megabytesPerSecond), 10, right: true))
            }
            return lines.joined(separator: "\n")
        }

        private func micros(_ duration: Duration) -> String { String(format: "%.1f", duration.seconds * 1e6) }

        private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return right ? fill + text : text + fill
        }
    }

    /// The latency path names, as printed.
    enum Path {
        static let direct = "direct DEALER/ROUTER"
        static let broker = "via broker (raw MDP peers)"
        static let rpc = "via broker (RPC client/worker)"
    }

    /// The method the benchmark worker serves.
    static let service = "lucid.bench.Echo"

    /// Runs every measurement in turn (a few seconds with the default options).
    public static func run(_ options: Options = Options(), logger: Logger = Logger(label: "lucid.bus.bench")) async throws -> Report {
        var latency: [LatencyRow] = []
        var throughput: [ThroughputRow] = []
        for transport in options.transports {
            let direct = try await measureDirect(transport, options)
            latency.append(LatencyRow(transport: transport, path: Path.direct, p50: direct.p50, p99: direct.p99))
            let broker = try await measureRawBroker(transport, options, logger: logger)
            latency.append(LatencyRow(transport: transport, path: Path.broker, p50: broker.p50, p99: broker.p99))
            let rpc = try await measureRPC(transport, options, logger: logger)
            latency.append(LatencyRow(transport: transport, path: Path.rpc, p50: rpc.p50, p99: rpc.p99))
        }
        let handlerTimes = options.simulatedWork > .zero ? [Duration.zero, options.simulatedWork] : [.zero]
        for work in handlerTimes {
            for transport in options.transports {
                for workers in options.workerCounts {
                    let rate = try await measureThroughput(transport, workers: workers, work: work, options, logger: logger)
                    throughput.append(ThroughputRow(
                        transport: transport, workers: workers, work: work, requestsPerSecond: rate,
                        megabytesPerSecond: rate * Double(2 * options.payloadBytes) / 1e6))
                }
            }
        }
        return Report(options: options, latency: latency, throughput: throughput)
    }

    // MARK: Endpoints and payloads

    static func endpoint(_ transport: BusEndpoint.Transport, _ name: String) throws -> BusEndpoint {
        let unique = "bench-\(name)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        switch transport {
        case .inproc: return BusEndpoint.inproc(named: unique)
        case .ipc: return try BusEndpoint.ipc(named: unique)
        case .tcp: return try BusEndpoint("tcp://127.0.0.1:*")
        }
    }

    static func payload(_ options: Options) -> Data {
        Data((0..<options.payloadBytes).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    }

    /// A request envelope around the benchmark payload, as an RPC client would send it.
    static func envelopeBody(_ options: Options, requestID: String = UUID().uuidString) throws -> Data {
        var envelope = Lucid_V1_RequestEnvelope()
        envelope.method = "Echo"
        envelope.requestID = requestID
        envelope.payload = payload(options)
        return try envelope.serializedData()
    }

    /// The reply envelope an RPC worker would answer `requestID` with, around the payload.
    static func replyBody(_ options: Options, requestID: String) throws -> Data {
        var envelope = Lucid_V1_ReplyEnvelope()
        envelope.requestID = requestID
        envelope.payload = payload(options)
        return try envelope.serializedData()
    }
}

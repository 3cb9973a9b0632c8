// `luciddrag bench bus`: the cost of the Majordomo broker next to a direct DEALER/ROUTER round trip,
// measured in the same run, and throughput with 1, 2 and 4 workers (LucidBus.BusBenchmark).
import ArgumentParser
import Foundation
import LucidBus
import LucidService

/// Runs the bus benchmark and prints its tables.
struct BusBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bus",
        abstract: "Round-trip p50/p99 through the broker next to direct DEALER/ROUTER, and throughput.",
        discussion: "Build with -c release for figures worth quoting: swift run -c release luciddrag bench bus")

    @Option(help: "Payload size per request and per reply, in KiB.")
    var payloadKib = 64

    @Option(help: "Timed round trips per latency row.")
    var roundTrips = 2000

    @Option(help: "Requests per throughput row.")
    var requests = 2000

    @Option(help: "Requests in flight during throughput rows.")
    var inFlight = 16

    @Option(help: "Transports to measure, comma-separated: inproc, ipc, tcp.")
    var transports = "inproc,ipc"

    func validate() throws {
        guard payloadKib > 0, roundTrips > 0, requests > 0, inFlight > 0 else {
            throw ValidationError("--payload-kib, --round-trips, --requests and --in-flight must be positive")
        }
        _ = try parsedTransports()
    }

    func run() async throws {
        ServiceLogging.bootstrap(level: .error)
        let options = BusBenchmark.Options(
            payloadBytes: payloadKib * 1024, roundTrips: roundTrips, warmup: max(1, roundTrips / 10),
            throughputRequests: requests, inFlight: inFlight, transports: try parsedTransports())
        let report = try await BusBenchmark.run(options)
        print(report.table)
    }

    private func parsedTransports() throws -> [BusEndpoint.Transport] {
        try transports.split(separator: ",").map { name in
            guard let transport = BusEndpoint.Transport(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown transport '\(name)'; use inproc, ipc or tcp")
            }
            return transport
        }
    }
}

import ArgumentParser
import Foundation
import LucidBus
import LucidScaleBench
import LucidService

/// `luciddrag bench scale`: edits through the gateway with 1, 2 and 4 sampler processes over ipc:// and
/// tcp://, against one sampler with one and with two threads — throughput, latency, spread, bus share.
struct ScaleBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Throughput and latency of edits over 1, 2, 4 sampler processes (ipc://, tcp://), each fleet in turn.",
        discussion: """
            Each fleet (SAMPLERSxTHREADS) is started as real processes — gateway, reasoner, discriminator \
            (1 thread), samplers — warmed, timed, and stopped before the next. Build with -c release for \
            figures worth quoting: swift build -c release && .build/release/luciddrag bench scale
            """)

    @Option(help: "Folder of task folders (task.json, input.png, mask.png).")
    var tasks = "Benchmarks/data/drag-large-dev"
    @Option(help: "Fleets, comma-separated SAMPLERSxTHREADS.")
    var fleets = "1x2,1x1,2x1,4x1"
    @Option(help: "Transports, comma-separated: ipc, tcp.")
    var transports = "ipc,tcp"
    @Option(help: "One-intention edits sent at once per fleet.")
    var edits = 8
    @Option(help: "Intentions of the one spread edit.")
    var intentions = 3
    @Option(help: "Single edits timed one at a time (for the share outside the sampler).")
    var singles = 3
    @Option(help: "DDIM steps per edit.")
    var steps = 20
    @Option(help: "Seed of every edit.")
    var seed: UInt64 = 0
    @Option(help: "Folder with luciddrag-gateway, -reasoner, -sampler, -discriminator. Default: next to this executable.")
    var bin: String?
    @Option(help: "The diffusers folder the samplers and the discriminator load. Default: theirs (LUCID_MODEL, else the demo model).")
    var model: String?
    @Option(help: "Write the JSON report here (rewritten after every fleet).")
    var json = "out/bench-scale/report.json"

    func validate() throws {
        guard edits > 0, intentions > 0, singles > 0, steps > 0 else {
            throw ValidationError("--edits, --intentions, --singles and --steps must be positive")
        }
        _ = try parsedFleets()
        _ = try parsedTransports()
    }

    func run() async throws {
        ServiceLogging.bootstrap(level: .error)
        let json = URL(fileURLWithPath: json)
        let options = ScaleBenchmark.Options(
            tasks: URL(fileURLWithPath: tasks), fleets: try parsedFleets(), transports: try parsedTransports(),
            batchEdits: edits, spreadIntentions: intentions, singleEdits: singles, steps: steps, seed: seed,
            binDirectory: bin.map { URL(fileURLWithPath: $0) } ?? Self.ownDirectory, model: model,
            logDirectory: json.deletingLastPathComponent().appendingPathComponent("logs"))
        var report = ScaleReport(steps: steps, seed: seed)
        _ = try await ScaleBenchmark.run(options, log: { FileHandle.standardError.write(Data("\($0)\n".utf8)) }) { row in
            report.rows.append(row)
            try report.write(to: json)
        }
        print(report.table)
        print("JSON: \(json.relativePath)")
    }

    /// The folder this executable was started from.
    static var ownDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    private func parsedFleets() throws -> [FleetShape] {
        do {
            return try fleets.split(separator: ",").map { try FleetShape(parsing: String($0)) }
        } catch {
            throw ValidationError("--fleets: \(error)")
        }
    }

    private func parsedTransports() throws -> [BusEndpoint.Transport] {
        try transports.split(separator: ",").map { name in
            guard let transport = BusEndpoint.Transport(rawValue: name.trimmingCharacters(in: .whitespaces)), transport != .inproc else {
                throw ValidationError("unknown transport '\(name)'; use ipc or tcp (processes cannot share inproc://)")
            }
            return transport
        }
    }
}

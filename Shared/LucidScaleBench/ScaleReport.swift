/// ScaleReport: the scale benchmark's table — throughput and speed-ups against one sampler on the same
/// transport, latencies, the spread edit, and the time outside the sampler — and its JSON form.
import Foundation

/// The rows of one `luciddrag bench scale` run.
public struct ScaleReport: Sendable, Codable {
    public var steps: Int
    public var seed: UInt64
    public var cores: Int
    public var rows: [FleetResult]

    public init(steps: Int, seed: UInt64, cores: Int = ProcessInfo.processInfo.activeProcessorCount, rows: [FleetResult] = []) {
        self.steps = steps
        self.seed = seed
        self.cores = cores
        self.rows = rows
    }

    /// The row of `fleet` on `transport`, if measured.
    public func row(_ transport: String, _ fleet: FleetShape) -> FleetResult? {
        rows.first { $0.transport == transport && $0.fleet == fleet }
    }

    /// Throughput of `row` over that of `baseline` on the same transport ("–" when not measured).
    func speedUp(_ row: FleetResult, over baseline: FleetShape) -> String {
        guard let base = self.row(row.transport, baseline) else { return "–" }
        return String(format: "%.2f×", row.editsPerMinute / base.editsPerMinute)
    }

    /// The table printed at the end of a run.
    public var table: String {
        var lines = [
            "Scale: \(rows.first?.batchEdits ?? 0) one-intention edits at once per row, \(steps) steps, seed \(seed), \(cores) cores",
            "| bus | fleet | edits/min | vs 1x1 | vs 1x2 | p50 s | p95 s | samplers used | N=\(rows.first?.spreadIntentions ?? 3) edit s (samplers) | single edit s | outside sampler |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            let cells = [
                row.transport, row.fleet.description, fixed(row.editsPerMinute, 1),
                speedUp(row, over: FleetShape(samplers: 1, threads: 1)), speedUp(row, over: FleetShape(samplers: 1, threads: 2)),
                fixed(row.batchP50, 1), fixed(row.batchP95, 1), "\(row.batchSamplersUsed)",
                "\(fixed(row.spreadSeconds, 1)) (\(row.spreadSamplersUsed))", fixed(row.singleSeconds, 2),
                "\(fixed(row.outsideSamplerPercent, 2)) %",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        for fleet in Set(rows.map(\.fleet)).sorted(by: { ($0.samplers, $0.threads) < ($1.samplers, $1.threads) }) {
            guard let ipc = row("ipc", fleet), let tcp = row("tcp", fleet) else { continue }
            lines.append("tcp vs ipc, \(fleet): single edit \(signed(100 * (tcp.singleSeconds / ipc.singleSeconds - 1))) %, "
                + "throughput \(signed(100 * (tcp.editsPerMinute / ipc.editsPerMinute - 1))) %")
        }
        return lines.joined(separator: "\n")
    }

    private func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
    private func signed(_ value: Double) -> String { String(format: "%+.2f", value) }

    /// Writes the report as pretty JSON, creating the folder.
    public func write(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url)
    }
}

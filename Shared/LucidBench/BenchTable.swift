/// Formats engine benchmark rows as a Markdown table (Swift vs PyTorch, with the time ratio).
import Foundation

/// The printed comparison table.
public struct BenchTable {
    public let rows: [EngineBenchRow]
    public let threads: Int
    public let noiseThreshold: Double

    public init(rows: [EngineBenchRow], threads: Int, noiseThreshold: Double) {
        self.rows = rows
        self.threads = threads
        self.noiseThreshold = noiseThreshold
    }

    /// True when any measurement saw other processes use the CPU beyond the threshold.
    public var isNoisy: Bool {
        rows.contains { ($0.swift?.isNoisy(threshold: noiseThreshold) ?? false) || ($0.reference?.isNoisy(threshold: noiseThreshold) ?? false) }
    }

    public func render() -> String {
        var lines = [
            "| row (\(threads) threads) | Swift s | Swift CPU s | Swift GFLOP/s | Swift peak RSS | PyTorch s | PyTorch CPU s | PyTorch GFLOP/s | PyTorch peak RSS | Swift/PyTorch | note |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in rows {
            var notes: [String] = []
            if let s = row.swift, s.isNoisy(threshold: noiseThreshold) { notes.append(String(format: "NOISY (others %.1f CPU·s in Swift run)", s.otherCPUSeconds)) }
            if let r = row.reference, r.isNoisy(threshold: noiseThreshold) { notes.append(String(format: "NOISY (others %.1f CPU·s in PyTorch run)", r.otherCPUSeconds)) }
            let ratio: String
            if let s = row.swift, let r = row.reference { ratio = String(format: "%.2f", s.median / r.median) } else { ratio = "–" }
            lines.append("| \(row.name) | \(Self.seconds(row.swift)) | \(Self.cpu(row.swift)) | \(Self.rate(row.swift)) | \(Self.memory(row.swift)) | "
                + "\(Self.seconds(row.reference)) | \(Self.cpu(row.reference)) | \(Self.rate(row.reference)) | \(Self.memory(row.reference)) | \(ratio) | \(notes.joined(separator: "; ")) |")
        }
        if isNoisy {
            lines.append("")
            lines.append("NOISY: other processes used the CPU during the rows marked above; their times are not valid.")
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ m: BenchMeasurement?) -> String {
        guard let m else { return "–" }
        let s = m.median
        return s < 0.1 ? String(format: "%.4f (n=%d)", s, m.seconds.count) : String(format: "%.3f (n=%d)", s, m.seconds.count)
    }

    static func cpu(_ m: BenchMeasurement?) -> String {
        guard let m else { return "–" }
        return String(format: "%.3f", m.ownCPUSeconds)
    }

    static func rate(_ m: BenchMeasurement?) -> String {
        guard let m, let f = m.flops, f > 0 else { return "–" }
        return String(format: "%.0f", f / m.median / 1e9)
    }

    static func memory(_ m: BenchMeasurement?) -> String {
        guard let m, m.peakRSS > 0 else { return "–" }
        return String(format: "%.2f GB", Double(m.peakRSS) / 1e9)
    }
}

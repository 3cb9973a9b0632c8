/// The Swift/PyTorch time ratio of the full method's edit, task by task, and its rendering.
import Foundation
import LucidBench
import LucidEditing

/// One task's full edit timed in both, back to back.
public struct EditTimingPair: Codable, Sendable {
    public var task: String
    /// Swift: the task's encoding and inversion plus the full row's best intention, edited again
    /// from scratch beside the twin's edit.
    public var swift: StageTimes
    public var pytorch: StageTimes

    public var swiftSeconds: Double { swift.encode + swift.invert + swift.perIntention }
    public var pytorchSeconds: Double { pytorch.encode + pytorch.invert + pytorch.perIntention }
}

/// The twin's part of the report.
public struct EditTimingReport: Codable, Sendable {
    /// Why the twin did not run, or what it leaves out.
    public var note: String?
    public var threads: Int
    public var edits: [EditTimingPair] = []

    public init(note: String?, threads: Int) {
        self.note = note
        self.threads = threads
    }
}

/// Renders the timing as Markdown lines.
public struct EditTimingTable {
    public let reference: EditTimingReport

    public init(reference: EditTimingReport) { self.reference = reference }

    public func render() -> [String] {
        var lines = ["PyTorch twin (`Benchmarks/reference/edit_timing.py`, \(reference.threads) threads), full method, best intention:"]
        if let note = reference.note { lines.append("note: \(note)") }
        guard !reference.edits.isEmpty else { return lines }
        lines.append("")
        lines.append("| stage | Swift s | PyTorch s | Swift/PyTorch |")
        lines.append("|---|---|---|---|")
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let stages: [(String, (StageTimes) -> Double)] = [
            ("encode", \.encode), ("invert", \.invert), ("sample", \.sample), ("decode", \.decode),
            ("edit (all four)", { $0.encode + $0.invert + $0.perIntention }),
        ]
        for (name, value) in stages {
            let swift = mean(reference.edits.map { value($0.swift) }), torch = mean(reference.edits.map { value($0.pytorch) })
            lines.append(String(format: "| %@ | %.2f | %.2f | %.2f |", name, swift, torch, torch > 0 ? swift / torch : .nan))
        }
        let ratios = reference.edits.map { $0.swiftSeconds / $0.pytorchSeconds }
        lines.append(String(format: "per-edit ratio over %d tasks, each timed in both back to back: median %.2f, mean %.2f, min %.2f, max %.2f",
                            ratios.count, ratios.median, mean(ratios), ratios.min() ?? .nan, ratios.max() ?? .nan))
        return lines
    }
}

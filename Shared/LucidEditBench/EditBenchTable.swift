/// The edit benchmark as Markdown: one line per row with its means, the targets checked
/// against them, and the PyTorch twin's timing.
import Foundation

/// Renders a report.
public struct EditBenchTable {
    public let report: EditBenchReport

    public init(report: EditBenchReport) { self.report = report }

    /// The table, the targets and the timing, as Markdown lines.
    public func render() -> String {
        let setup = report.setup
        var lines = [
            "edit benchmark on \(setup.tasks): \(report.tasks.count) tasks, \(setup.steps) steps, seed \(setup.seed), "
                + "\(setup.intentions) intentions (full row), \(setup.threads) threads (\(setup.blasCore))"
                + (setup.overrides.isEmpty ? "" : ", set: \(setup.overrides.map(\.description).joined(separator: " "))")
                + (setup.groundTruthScored ? "" : "; no Python scorer: the checker's columns are –"),
            "",
            "| row | MD px | feature MD px | IoU | centroid px | PSNR in dB | PSNR out dB | perceptual | checker | found | D logit | diversity | coverage (ambiguous) | s / intention | GFLOP/s |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for s in report.summary {
            let coverage = s.coverage.map { "\(percent($0)) (\(s.ambiguousCoverage.map(percent) ?? "–"))" } ?? "–"
            lines.append("| \(s.row.rawValue) | \(number(s.md)) | \(number(s.featureMD)) | \(number(s.iou, digits: 2)) | "
                + "\(number(s.centroidError)) | \(number(s.psnrInside)) | \(number(s.psnrOutside)) | \(number(s.perceptual, digits: 3)) | \(s.checkerPass.map(percent) ?? "–") | "
                + "\(s.found.map(percent) ?? "–") | \(number(s.discriminatorLogit, digits: 2)) | \(number(s.diversity)) | \(coverage) | "
                + "\(number(s.secondsPerIntention, digits: 2)) | \(number(s.gflops)) |")
        }
        let tasks = report.tasks
        let drag = tasks.map(\.dragLength).reduce(0, +) / Double(max(1, tasks.count))
        lines.append("")
        lines.append(String(format: "mean drag %.1f px; other processes used %.0f CPU s while this run used %.0f (wall %.0f s)",
                            drag, report.otherCPUSeconds, report.ownCPUSeconds, report.wallSeconds))
        lines.append("")
        lines += targets()
        if let reference = report.reference {
            lines.append("")
            lines += EditTimingTable(reference: reference).render()
        }
        return lines.joined(separator: "\n")
    }

    /// The targets, each with its figures and whether it holds.
    public func targets() -> [String] {
        func summary(_ row: EditBenchRow) -> EditRowSummary? { report.summary.first { $0.row == row } }
        var lines = ["targets:"]
        func check(_ name: String, _ a: Double?, _ b: Double?, _ holds: (Double, Double) -> Bool, _ figures: (Double, Double) -> String) {
            guard let a, let b, a.isFinite || b.isFinite else { return lines.append("- \(name): not measured") }
            lines.append("- \(name): \(figures(a, b)) — \(holds(a, b) ? "holds" : "does NOT hold")")
        }
        let full = summary(.full), edit = summary(.editOnly), memory = summary(.memory), semantic = summary(.semantic)
        let identity = summary(.identity)
        check("full MD < edit-only MD", full?.md, edit?.md, <) { String(format: "%.2f vs %.2f px", $0, $1) }
        check("full IoU > edit-only IoU", full?.iou, edit?.iou, >) { String(format: "%.3f vs %.3f", $0, $1) }
        check("memory bank + SDE raise PSNR in (vs edit-only)", memory?.psnrInside, edit?.psnrInside, >) { String(format: "%.2f vs %.2f dB", $0, $1) }
        check("memory bank + SDE lower MD (vs edit-only)", memory?.md, edit?.md, <) { String(format: "%.2f vs %.2f px", $0, $1) }
        check("semantic guidance raises IoU (vs +memory-sde)", semantic?.iou, memory?.iou, >) { String(format: "%.3f vs %.3f", $0, $1) }
        check("quality guidance raises the D logit (vs +semantic)", full?.discriminatorLogit, semantic?.discriminatorLogit, >) {
            String(format: "%.3f vs %.3f", $0, $1)
        }
        check("the reasoner beats the caption (IoU, full vs full-caption)", full?.iou, summary(.caption)?.iou, >) {
            String(format: "%.3f vs %.3f", $0, $1)
        }
        check("full MD ≤ half identity's", full?.md, identity?.md, { $0 <= $1 / 2 }) { String(format: "%.2f vs %.2f / 2 px", $0, $1) }
        check("full PSNR outside ≥ 30 dB", full?.psnrOutside, 30, >=) { String(format: "%.2f dB", $0) + (String(format: " (≥ %.0f)", $1)) }
        check("full checker pass ≥ 90 % of identity's", full?.checkerPass, identity?.checkerPass, { $0 >= 0.9 * $1 }) {
            String(format: "%.0f %% vs 0.9 × %.0f %%", $0 * 100, $1 * 100)
        }
        return lines
    }

    private func number(_ value: Double?, digits: Int = 1) -> String {
        guard let value else { return "–" }
        if value == .infinity { return "∞" }
        return value.isNaN ? "–" : String(format: "%.\(digits)f", value)
    }

    private func percent(_ value: Double) -> String { String(format: "%.0f %%", value * 100) }
}

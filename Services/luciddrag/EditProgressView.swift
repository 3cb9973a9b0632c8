// The live progress of one Gateway.Edit on standard error: a bar per intention, redrawn in place on
// a terminal, or plain lines (on each change of stage, and at most every few seconds otherwise).
import Foundation
import LucidBus
import LucidGatewayService
import LucidProto
import LucidReasoning

/// Shows Gateway.Edit progress messages as they arrive.
final class EditProgressView {
    /// One intention's line.
    private struct Row {
        let label: String
        var stage = "queued"
        var step: UInt32 = 0
        var total: UInt32 = 0
        var outcome: String?
        var lastPrinted: ContinuousClock.Instant?
    }

    private static let barWidth = 24
    private static let plainInterval: Duration = .seconds(5)

    private let isTerminal: Bool
    private var status = "connecting to the gateway"
    private var rows: [Row] = []
    private var linesOnScreen = 0

    init(isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.isTerminal = isTerminal
        if !isTerminal { write(status) }
    }

    /// Takes in one progress message.
    func show(_ progress: Lucid_V1_GatewayProgress) {
        let index = Int(progress.intentionIndex)
        switch progress.gatewayStage {
        case .reason:
            status = "asking the reasoner what the drag means"
            if !isTerminal { write(status) }
        case .intentions:
            status = "editing \(progress.intentions.count) intentions" + (progress.fellBack ? " (the reasoner fell back to the built-in one)" : "")
            rows = progress.intentions.enumerated().map { rank, intention in
                Row(label: String(format: "%d %@ %.2f", rank + 1, intention.kind.wireName, intention.confidence))
            }
            if !isTerminal { write(status + ": " + rows.map(\.label).joined(separator: ", ")) }
        case .edit where rows.indices.contains(index):
            let changed = rows[index].stage != progress.message
            rows[index].stage = progress.message
            rows[index].step = progress.step
            rows[index].total = progress.totalSteps
            if !isTerminal { printPlain(index, force: changed) }
        case .edited where rows.indices.contains(index):
            let edit = progress.edit
            rows[index].outcome = edit.succeeded
                ? String(format: "done in %.1f s on %@", edit.details.seconds, edit.workerID)
                : "failed: \(edit.status.code.name): \(edit.status.message)"
            if !isTerminal { printPlain(index, force: true) }
        default:
            return
        }
        if isTerminal { redraw() }
    }

    /// Leaves the last picture on screen and moves below it.
    func finish() {
        if isTerminal { redraw() }
        linesOnScreen = 0
    }

    private func line(_ row: Row) -> String {
        let label = row.label.padding(toLength: 28, withPad: " ", startingAt: 0)
        if let outcome = row.outcome {
            let fill = outcome.hasPrefix("failed") ? "x" : "#"
            return "\(label) [\(String(repeating: fill, count: Self.barWidth))] \(outcome)"
        }
        let fraction = row.total > 0 ? min(1, Double(row.step) / Double(row.total)) : 0
        let filled = Int((fraction * Double(Self.barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: Self.barWidth - filled)
        let count = row.total > 0 ? " \(row.step)/\(row.total)" : ""
        return "\(label) [\(bar)] \(row.stage)\(count)"
    }

    private func redraw() {
        var text = linesOnScreen > 0 ? "\u{1B}[\(linesOnScreen)A" : ""
        let lines = [status] + rows.map(line)
        for line in lines { text += "\r\u{1B}[2K" + line + "\n" }
        linesOnScreen = lines.count
        FileHandle.standardError.write(Data(text.utf8))
    }

    private func printPlain(_ index: Int, force: Bool) {
        let now = ContinuousClock.now
        if !force, let last = rows[index].lastPrinted, last.duration(to: now) < Self.plainInterval { return }
        rows[index].lastPrinted = now
        write(line(rows[index]))
    }

    private func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

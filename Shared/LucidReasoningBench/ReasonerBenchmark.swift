/// ReasonerBenchmark: how well the built-in reasoner reads demo-world drags — top-1 kind on unambiguous
/// tasks, every acceptable kind in the top 3 on ambiguous ones, and the Brier score of its confidences.
import Foundation
import LucidProto
import LucidReasoning

/// The benchmark's figures.
public struct ReasonerBenchmarkResult: Sendable {
    public var unambiguous = 0
    public var top1Hits = 0
    public var ambiguous = 0
    public var top3Hits = 0
    /// Sum over tasks of Σ_kind (confidence − target)², the target spreading 1 evenly over the acceptable kinds.
    public var brierSum = 0.0
    public var tasks = 0
    /// Locator agreement with the generator's object description.
    public var shapeHits = 0
    public var colourHits = 0
    public var sizeHits = 0
    /// Per intended kind: (tasks, top-1 or top-3 hits).
    public var perKind: [String: (tasks: Int, hits: Int)] = [:]
    /// Ids of the tasks missed.
    public var misses: [String] = []

    public var top1: Double { Double(top1Hits) / Double(max(unambiguous, 1)) }
    public var top3Ambiguous: Double { Double(top3Hits) / Double(max(ambiguous, 1)) }
    public var brier: Double { brierSum / Double(max(tasks, 1)) }

    /// The report lines `luciddrag bench reasoner` prints.
    public var report: [String] {
        var lines = [
            String(format: "tasks: %d (%d unambiguous, %d ambiguous)", tasks, unambiguous, ambiguous),
            unambiguous > 0 ? String(format: "top-1: %.1f%%", 100 * top1) : "top-1: – (no unambiguous task)",
            ambiguous > 0
                ? String(format: "top-3 (ambiguous): %.1f%%", 100 * top3Ambiguous) : "top-3 (ambiguous): – (no ambiguous task)",
            String(format: "brier: %.3f", brier),
            String(format: "locator: shape %.1f%%, colour %.1f%%, size %.1f%%",
                   100 * Double(shapeHits) / Double(max(tasks, 1)), 100 * Double(colourHits) / Double(max(tasks, 1)),
                   100 * Double(sizeHits) / Double(max(tasks, 1))),
        ]
        for kind in perKind.keys.sorted() {
            let entry = perKind[kind]!
            lines.append(String(format: "  %@: %d/%d", kind, entry.hits, entry.tasks))
        }
        return lines
    }
}

/// Runs the built-in backend over a task set.
public struct ReasonerBenchmark: Sendable {
    public let backend: BuiltinBackend

    public init(backend: BuiltinBackend = BuiltinBackend()) {
        self.backend = backend
    }

    /// The figures for `tasks` (each task's full seven-kind distribution is scored).
    public func run(_ tasks: [DragTask]) -> ReasonerBenchmarkResult {
        var result = ReasonerBenchmarkResult()
        for task in tasks {
            let analysis = backend.analyse(task.input)
            let ranking = analysis.ranked.entries
            result.tasks += 1
            result.brierSum += Self.brier(ranking, acceptable: task.acceptable)
            let hit: Bool
            if task.isAmbiguous {
                result.ambiguous += 1
                let top3 = Set(ranking.prefix(3).map(\.kind))
                hit = task.acceptable.allSatisfy { top3.contains($0) }
                if hit { result.top3Hits += 1 }
            } else {
                result.unambiguous += 1
                hit = ranking.first?.kind == task.intended
                if hit { result.top1Hits += 1 }
            }
            if !hit { result.misses.append(task.id) }
            let key = task.intended.wireName + (task.isAmbiguous ? " (ambiguous)" : "")
            let entry = result.perKind[key] ?? (0, 0)
            result.perKind[key] = (entry.tasks + 1, entry.hits + (hit ? 1 : 0))
            if analysis.description.shape.rawValue == task.object.shape { result.shapeHits += 1 }
            if analysis.description.colour == task.object.colour { result.colourHits += 1 }
            if analysis.description.size == task.object.size { result.sizeHits += 1 }
        }
        return result
    }

    /// The temperature (on a grid from 0.1 to 5) whose softmax gives the lowest Brier score on `tasks`.
    public func fitTemperature(_ tasks: [DragTask]) -> (temperature: Double, brier: Double) {
        let scored = tasks.map { (backend.analyse($0.input).scores, $0.acceptable) }
        var best = (temperature: 1.0, brier: Double.infinity)
        for step in 1...50 {
            let t = Double(step) * 0.1
            var scorer = backend.scorer
            scorer.settings.temperature = t
            let total = scored.map { Self.brier(scorer.rank($0.0).entries, acceptable: $0.1) }.reduce(0, +)
            let brier = total / Double(max(scored.count, 1))
            if brier < best.brier { best = (t, brier) }
        }
        return best
    }

    static func brier(_ ranking: [(kind: Lucid_V1_IntentionKind, confidence: Double)], acceptable: [Lucid_V1_IntentionKind]) -> Double {
        let share = 1 / Double(acceptable.count)
        return Lucid_V1_IntentionKind.reasoned.map { kind in
            let p = ranking.first { $0.kind == kind }?.confidence ?? 0
            let target = acceptable.contains(kind) ? share : 0
            return (p - target) * (p - target)
        }.reduce(0, +)
    }
}

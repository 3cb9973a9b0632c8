/// A row's figures averaged over the tasks (the best result of each task; diversity and coverage
/// over the tasks that have several results).
import Foundation
import LucidEditing

/// The means of one row.
public struct EditRowSummary: Codable, Sendable {
    public var row: EditBenchRow
    public var tasks: Int
    /// Checker point distance, pixels (nil without the scorer).
    public var md: Double?
    public var featureMD: Double
    /// LPIPS-like distance to the intended ground truth.
    public var perceptual: Double
    public var iou: Double?
    /// Over the tasks where the object was found.
    public var centroidError: Double?
    /// Share of tasks whose result passes the checker.
    public var checkerPass: Double?
    /// Share of tasks where the edited object was found.
    public var found: Double?
    public var psnrInside: Double
    /// ∞ when every result is untouched outside the mask.
    public var psnrOutside: Double
    public var discriminatorLogit: Double
    public var diversity: Double?
    public var coverage: Double?
    /// `coverage` over the ambiguous tasks only.
    public var ambiguousCoverage: Double?
    public var intentionCoverage: Double?
    /// Mean seconds of the best result's edit per stage (encode/invert: mean over tasks where it ran).
    public var times: StageTimes
    /// Mean seconds of an intention's sampling and decoding, over every result.
    public var secondsPerIntention: Double
    /// Floating-point operations per second of the edits, in GFLOP/s.
    public var gflops: Double?

    /// The summary of `row` over `tasks`.
    public init(row: EditBenchRow, tasks: [EditTaskRecord]) {
        let records = tasks.compactMap { task in task.rows.first { $0.row == row }.map { (task, $0) } }
        let best = records.compactMap { $0.1.results.first }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        func share(_ flags: [Bool]) -> Double? { mean(flags.map { $0 ? 1 : 0 }) }
        let truths = best.compactMap(\.truth)
        self.row = row
        self.tasks = records.count
        md = mean(truths.map(\.md))
        featureMD = mean(best.map(\.featureMD)) ?? .nan
        perceptual = mean(best.map(\.perceptual)) ?? .nan
        iou = mean(truths.map(\.iou))
        centroidError = mean(truths.compactMap(\.centroidError))
        checkerPass = share(truths.map(\.checkerPass))
        found = share(truths.map(\.found))
        psnrInside = mean(best.map(\.psnrInside)) ?? .nan
        psnrOutside = mean(best.map(\.psnrOutside)) ?? .nan
        discriminatorLogit = mean(best.map(\.discriminatorLogit)) ?? .nan
        diversity = mean(records.compactMap(\.1.diversity))
        coverage = mean(records.compactMap(\.1.coverage))
        ambiguousCoverage = mean(records.filter { $0.0.acceptableKinds.count > 1 }.compactMap(\.1.coverage))
        intentionCoverage = mean(records.compactMap(\.1.intentionCoverage))
        var times = StageTimes()
        times.encode = mean(best.map(\.times.encode).filter { $0 > 0 }) ?? 0
        times.invert = mean(best.map(\.times.invert).filter { $0 > 0 }) ?? 0
        times.sample = mean(best.map(\.times.sample)) ?? 0
        times.decode = mean(best.map(\.times.decode)) ?? 0
        self.times = times
        let all = records.flatMap(\.1.results)
        secondsPerIntention = mean(all.map(\.times.perIntention)) ?? 0
        let seconds = all.map { $0.times.encode + $0.times.invert + $0.times.perIntention }.reduce(0, +)
        let flops = all.map(\.flops).reduce(0, +)
        gflops = seconds > 0 && flops > 0 ? flops / seconds / 1e9 : nil
    }
}

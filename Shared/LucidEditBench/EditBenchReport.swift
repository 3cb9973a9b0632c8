/// The edit benchmark's JSON report: how it was run, every task's records, the rows' means and the
/// PyTorch twin's timing. Written after every task, so an interrupted run keeps what it measured.
import Foundation

/// Everything one run measured.
public struct EditBenchReport: Codable, Sendable {
    /// How the run was made.
    public struct Setup: Codable, Sendable {
        public var tasks: String
        public var steps: Int
        public var seed: UInt64
        public var intentions: Int
        public var rows: [EditBenchRow]
        public var model: String
        public var threads: Int
        public var blasCore: String
        /// Whether the checker's ground-truth scores are in the report.
        public var groundTruthScored: Bool
        /// Options set away from their defaults for this run (tuning runs).
        public var overrides: [OptionOverride]
    }

    public var setup: Setup
    public var tasks: [EditTaskRecord] = []
    public var summary: [EditRowSummary] = []
    /// The PyTorch twin's timing of the full method (nil when it did not run; `note` says why).
    public var reference: EditTimingReport?
    /// CPU seconds this process and other processes used during the edits (a busy machine slows them).
    public var ownCPUSeconds = 0.0, otherCPUSeconds = 0.0
    public var wallSeconds = 0.0

    /// Recomputes the rows' means from the task records.
    public mutating func summarise() {
        summary = setup.rows.map { EditRowSummary(row: $0, tasks: tasks) }
    }

    /// Writes the report as JSON (∞ as "inf") to `url`, atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// Reads a report written by `write(to:)`.
    public static func read(from url: URL) throws -> EditBenchReport {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(EditBenchReport.self, from: Data(contentsOf: url))
    }
}

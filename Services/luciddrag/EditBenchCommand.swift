import ArgumentParser
import Foundation
import LucidEditBench
import LucidEditing
import LucidImage
import LucidModels
import LucidTensor

/// `luciddrag bench edit`: does the method work? Every row on the same tasks with the same seed,
/// ground-truth and feature metrics, a picture grid, and the PyTorch twin's time ratio.
struct EditBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Baselines, ablations and the full drag edit on demo-world tasks: MD, IoU, PSNR, fidelity, diversity, time.")

    @Option(help: "Folder of task folders (task.json, input.png, mask.png, ground truths).")
    var tasks = "Benchmarks/data/drag-large-dev"
    @Option(help: "Comma-separated rows (default all): \(EditBenchRow.allCases.map(\.rawValue).joined(separator: ",")).")
    var rows: String?
    @Option(help: "Only the first N tasks.")
    var limit: Int?
    @Option(help: "DDIM steps.")
    var steps = 50
    @Option(help: "Seed of every edit.")
    var seed: UInt64 = 0
    @Option(name: .customLong("set"), help: "Set a method option, NAME=NUMBER (sampler.proto's name, e.g. semantic_weight=0.2); repeatable, for tuning runs.")
    var overrides: [String] = []
    @Option(help: "Intentions the full row edits (diversity and coverage).")
    var intentions = 3
    @Option(help: "Write the JSON report here (rewritten after every task).")
    var json = "out/bench-edit/report.json"
    @Option(help: "Write the picture grid (PNG) here.")
    var grid = "out/bench-edit/grid.png"
    @Option(help: "Tasks in the picture grid.")
    var gridTasks = 5
    @Option(help: "Folder for the result pictures.")
    var out = "out/bench-edit"
    @Option(help: "Python with numpy, scipy and pillow (the checker), and torch (the twin).")
    var python = ProcessInfo.processInfo.environment["LUCID_REF_PYTHON"] ?? ".venv-ref/bin/python"
    @Flag(help: "Skip the PyTorch twin.")
    var noReference = false
    @Option(help: "Time the twin on at most this many tasks.")
    var referenceLimit: Int?
    @Option(help: "Engine and twin threads.")
    var threads = 2
    @OptionGroup var modelOption: ModelOption

    func run() throws {
        Engine.threads = threads
        var configuration = EditBenchConfiguration(tasks: URL(fileURLWithPath: tasks), output: URL(fileURLWithPath: out))
        if let rows {
            configuration.rows = try rows.split(separator: ",").map {
                guard let row = EditBenchRow(rawValue: String($0)) else { throw ValidationError("unknown row \($0)") }
                return row
            }
        }
        configuration.limit = limit
        configuration.options.steps = steps
        configuration.options.seed = seed
        do {
            configuration.overrides = try overrides.map { try OptionOverride(parsing: $0) }
        } catch {
            throw ValidationError("\(error)")
        }
        configuration.options = configuration.overrides.reduce(configuration.options) { $1.applied(to: $0) }
        configuration.intentions = intentions
        configuration.json = URL(fileURLWithPath: json)
        let folder = try modelOption.folder()
        let model = try EditingModel(folder: folder)
        let discriminator = try LatentDiscriminator(folder: folder.appendingPathComponent("discriminator"))
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let scorer: GroundTruthScorer?
        do {
            scorer = try GroundTruthScorer(python: python, root: root)
        } catch {
            FileHandle.standardError.write(Data("no ground-truth scores: \(error)\n".utf8))
            scorer = nil
        }
        let runner = try EditBenchRunner(configuration: configuration, model: model, discriminator: discriminator, scorer: scorer)
        let log = { (line: String) in FileHandle.standardError.write(Data("\(line)\n".utf8)) }
        var report = try runner.run(log: log)
        let gridTasks = try EditBenchTask.loadAll(from: configuration.tasks, limit: min(gridTasks, report.tasks.count))
        let picture = try EditBenchGrid().render(report, tasks: gridTasks)
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: grid).deletingLastPathComponent(), withIntermediateDirectories: true)
        try PNGCodec.encode(picture).write(to: URL(fileURLWithPath: grid))
        if configuration.rows.contains(.full) {
            report.reference = noReference
                ? EditTimingReport(note: "not run (--no-reference)", threads: threads)
                : EditTimingTwin(python: python, root: root, threads: threads)
                    .run(report, options: configuration.options, limit: referenceLimit,
                         swiftEdit: { try runner.timeFullEdit(folder: $0) }, progress: log)
            try report.write(to: URL(fileURLWithPath: json))
        }
        print(EditBenchTable(report: report).render())
        print("\nreport: \(json)\ngrid: \(grid)")
    }
}

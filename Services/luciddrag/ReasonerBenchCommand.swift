import ArgumentParser
import Foundation
import LucidReasoning
import LucidReasoningBench

/// `luciddrag bench reasoner`: the built-in reasoner on the demo-world drag tasks.
struct ReasonerBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reasoner",
        abstract: "Top-1 / top-3 accuracy and Brier score of the built-in reasoner on drag tasks."
    )

    @Option(help: "Folder of task folders (task.json, input.png, mask.png).")
    var tasks = "Benchmarks/data/drag-dev"

    @Flag(help: "Also print the softmax temperature that minimises the Brier score on these tasks.")
    var fitTemperature = false

    @Flag(help: "List the ids of the tasks the reasoner gets wrong.")
    var showMisses = false

    @Option(help: "Print the located object and every kind's score for this task id.")
    var explain: String?

    func run() throws {
        let directory = URL(fileURLWithPath: tasks)
        let loaded = try DragTask.loadAll(from: directory)
        guard !loaded.isEmpty else { throw ValidationError("no task folders (with task.json) in \(tasks)") }
        let benchmark = ReasonerBenchmark()
        let result = benchmark.run(loaded)
        print("reasoner benchmark on \(tasks)")
        result.report.forEach { print($0) }
        if showMisses { print("missed: \(result.misses.joined(separator: " "))") }
        if let id = explain, let task = loaded.first(where: { $0.id == id }) {
            let analysis = benchmark.backend.analyse(task.input)
            print("\(id): intended \(task.intended.wireName), acceptable \(task.acceptable.map(\.wireName))")
            print("  located \(analysis.description.sentence), centre (\(analysis.centre.x), \(analysis.centre.y)), radius \(analysis.description.radius)")
            for score in analysis.scores {
                print("  \(score.kind.wireName): score \(score.score), parameter \(score.fit?.parameter ?? 0), residual \(score.fit?.residual ?? 0)")
            }
        }
        if fitTemperature {
            let fit = benchmark.fitTemperature(loaded)
            print(String(format: "best temperature: %.1f (brier %.3f)", fit.temperature, fit.brier))
        }
    }
}

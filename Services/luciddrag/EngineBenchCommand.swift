import ArgumentParser
import Foundation
import LucidBench

/// `luciddrag bench engine`: the tensor engine and SD-1.5 models against PyTorch, in one run.
struct EngineBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time tensor ops and SD-1.x models in Swift and PyTorch, side by side.")

    @Option(help: "Threads for both sides (the engine's pool, torch.set_num_threads).")
    var threads = 2
    @Option(help: "Timed repetitions per row (the median is reported).")
    var reps = 3
    @Option(help: "Timed repetitions of the multi-second model rows.")
    var hugeReps = 3
    @Option(help: "Untimed runs before timing each row.")
    var warmups = 1
    @Option(name: .customLong("row"), help: "Run only rows whose name contains this (repeatable).")
    var rows: [String] = []
    @Option(help: "Python interpreter with torch and diffusers for the PyTorch twin.")
    var python = ProcessInfo.processInfo.environment["LUCID_REF_PYTHON"] ?? ".venv-ref/bin/python"
    @Flag(help: "Skip the PyTorch twin.")
    var noReference = false
    @Option(help: "Largest share of one CPU other processes may use while a row is timed.")
    var noiseThreshold = 0.10

    func run() throws {
        var options = EngineBenchOptions()
        options.threads = threads
        options.reps = reps
        options.hugeReps = hugeReps
        options.warmups = warmups
        options.rowFilters = rows
        options.python = noReference ? nil : python
        options.noiseThreshold = noiseThreshold
        let results = try EngineBenchmark.run(options) { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        let table = BenchTable(rows: results, threads: threads, noiseThreshold: noiseThreshold)
        print(table.render())
        if table.isNoisy { throw ExitCode(3) }
    }
}

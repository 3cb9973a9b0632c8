/// `luciddrag bench engine`: runs the Swift rows, runs the PyTorch twin on the same rows, seeds
/// and thread count, and prints both side by side with the Swift/PyTorch ratio.
import Foundation
import LucidTensor

/// Options of one engine benchmark run.
public struct EngineBenchOptions: Sendable {
    public var threads = 2
    public var reps = 3
    /// Repetitions of the multi-second model rows.
    public var hugeReps = 3
    public var warmups = 1
    /// Only rows whose name contains one of these (all rows when empty).
    public var rowFilters: [String] = []
    /// Python interpreter for the PyTorch twin; nil skips the reference.
    public var python: String? = ".venv-ref/bin/python"
    /// The twin script.
    public var referenceScript = "Benchmarks/reference/engine_bench.py"
    /// Other processes may use at most this fraction of one CPU while a row is timed.
    public var noiseThreshold = 0.10

    public init() {}
}

/// One printed row: both sides' measurements.
public struct EngineBenchRow: Sendable {
    public let name: String
    public let swift: BenchMeasurement?
    public let reference: BenchMeasurement?
}

/// Runs the engine benchmark.
public enum EngineBenchmark {
    /// Every row, in table order.
    public static var allCases: [BenchCase] { BenchCase.opCases + BenchCase.modelCases + BenchCase.demoModelCases }

    /// Runs the selected rows in Swift, then the PyTorch twin on the same rows.
    public static func run(_ options: EngineBenchOptions, log: (String) -> Void) throws -> [EngineBenchRow] {
        Engine.threads = options.threads
        let cases = allCases.filter { c in
            options.rowFilters.isEmpty || options.rowFilters.contains { c.name.contains($0) }
        }
        guard !cases.isEmpty else { throw EngineBenchError.noRows(options.rowFilters) }
        var swift: [String: BenchMeasurement] = [:]
        for c in cases {
            log("swift: \(c.name)")
            swift[c.name] = try c.measure(reps: c.isHuge ? options.hugeReps : options.reps, warmups: options.warmups)
        }
        var reference: [String: BenchMeasurement] = [:]
        if let python = options.python {
            log("pytorch: \(cases.count) rows")
            do {
                reference = try ReferenceRunner(python: python, script: options.referenceScript)
                    .run(rows: cases.map(\.name), threads: options.threads, reps: options.reps,
                         hugeReps: options.hugeReps, warmups: options.warmups)
            } catch {
                log("\(error) — printing the Swift side alone")
            }
        }
        return cases.map { EngineBenchRow(name: $0.name, swift: swift[$0.name], reference: reference[$0.name]) }
    }
}

/// The engine benchmark could not run.
public enum EngineBenchError: Error, CustomStringConvertible {
    case noRows([String])
    case reference(String)

    public var description: String {
        switch self {
        case .noRows(let filters): return "no benchmark row matches \(filters)"
        case .reference(let message): return "PyTorch reference failed: \(message)"
        }
    }
}

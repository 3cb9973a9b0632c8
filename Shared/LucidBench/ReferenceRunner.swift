/// Runs the PyTorch twin (`Benchmarks/reference/engine_bench.py`) as a child process and reads its
/// JSON results.
import Foundation

/// The PyTorch side of the engine benchmark.
struct ReferenceRunner {
    let python: String
    let script: String

    func run(rows: [String], threads: Int, reps: Int, hugeReps: Int, warmups: Int) throws -> [String: BenchMeasurement] {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw EngineBenchError.reference("no Python interpreter at \(python) (use --python)")
        }
        guard FileManager.default.fileExists(atPath: script) else {
            throw EngineBenchError.reference("no twin script at \(script) (run from the package root)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--threads", "\(threads)", "--reps", "\(reps)", "--huge-reps", "\(hugeReps)",
                             "--warmups", "\(warmups)", "--rows", rows.joined(separator: ";")]
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = "\(threads)"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EngineBenchError.reference("\(script) exited with status \(process.terminationStatus)")
        }
        do {
            return try JSONDecoder().decode([String: BenchMeasurement].self, from: data)
        } catch {
            throw EngineBenchError.reference("unreadable output: \(error)")
        }
    }
}

/// Runs the PyTorch twin of the guided loop (`Benchmarks/reference/edit_timing.py`) on the tasks and
/// prompts of the full row, with the same options, as a child process, and times each task's edit in
/// Swift again right beside the twin's, so that a pair meets the same machine: on a shared VM the
/// speed of both engines drifts for stretches of seconds to minutes. It is optional: without Python
/// and torch the report says so and the benchmark carries on.
import Foundation
import LucidEditing

/// The PyTorch side of the edit benchmark.
public struct EditTimingTwin {
    public let python: String
    /// The package root (where `Benchmarks/` is).
    public let root: URL
    public let threads: Int

    public init(python: String, root: URL, threads: Int) {
        self.python = python
        self.root = root
        self.threads = threads
    }

    /// The timing of the full row's best intention on each task of `report` (at most `limit` tasks):
    /// the twin's edit and `swiftEdit`'s (the same edit from scratch, given the task folder) back to
    /// back, Swift first on every other task.
    public func run(_ report: EditBenchReport, options: EditingOptions, limit: Int? = nil,
                    swiftEdit: (URL) throws -> StageTimes, progress: (String) -> Void = { _ in }) -> EditTimingReport {
        var timing = EditTimingReport(
            note: "the twin has no blend_outside_from (one elementwise blend a step) and starts from the patch copy, not the warped start (whose picture Swift encodes once more: one VAE encoder pass an edit that the twin does not pay), with the inpainting term the warped start leaves out (the same work within a 3×3 window)", threads: threads)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            timing.note = "not run: no Python at \(python) (tools/requirements-reference.txt, scripts/setup-reference.sh)"
            return timing
        }
        var jobs: [(id: String, folder: URL, line: Data)] = []
        for task in report.tasks.prefix(limit ?? report.tasks.count) {
            guard let full = task.rows.first(where: { $0.row == .full })?.results.first,
                  let source = full.sourcePrompt, let target = full.targetPrompt else { continue }
            let folder = URL(fileURLWithPath: report.setup.tasks, relativeTo: root).appendingPathComponent(task.id)
            let job: [String: Any] = ["task": folder.path, "source": source, "target": target, "options": Self.options(options)]
            do {
                jobs.append((task.id, folder, try JSONSerialization.data(withJSONObject: job) + Data("\n".utf8)))
            } catch {
                timing.note = "not run: \(error)"
                return timing
            }
        }
        guard !jobs.isEmpty else {
            timing.note = "not run: the report has no full-row edits"
            return timing
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("edit-timing-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let process = Process()
        do {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["Benchmarks/reference/edit_timing.py", "--threads", "\(threads)"]
            process.currentDirectoryURL = root
            var environment = ProcessInfo.processInfo.environment
            environment["OMP_NUM_THREADS"] = "\(threads)"
            process.environment = environment
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: log)
            // A twin that dies must fail its write with an error, not end this process.
            signal(SIGPIPE, SIG_IGN)
            try process.run()
            var lines = ChildOutputLines(output.fileHandleForReading)
            struct Line: Decodable { let seconds: StageTimes }
            for (index, job) in jobs.enumerated() {
                let swiftFirst = index % 2 == 1
                var swift = swiftFirst ? try swiftEdit(job.folder) : nil
                try input.fileHandleForWriting.write(contentsOf: job.line)
                guard let line = lines.next() else { throw EditBenchError.python("the twin ended its output") }
                let pytorch = try JSONDecoder().decode(Line.self, from: line).seconds
                if swift == nil { swift = try swiftEdit(job.folder) }
                timing.edits.append(EditTimingPair(task: job.id, swift: swift!, pytorch: pytorch))
                progress(String(format: "  twin %@: %.2f s (Swift %.2f s, %@ first)", job.id, timing.edits.last!.pytorchSeconds,
                                timing.edits.last!.swiftSeconds, swiftFirst ? "Swift" : "PyTorch"))
            }
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                timing.note = "the twin stopped with status \(process.terminationStatus): \(lastLine(of: log))"
            }
        } catch {
            if process.isRunning { process.terminate() }
            timing.note = "the twin failed after \(timing.edits.count) edits: \(error) \(lastLine(of: log))"
        }
        return timing
    }

    private func lastLine(of log: URL) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// `options` under the twin's names (SamplingOptions' fields).
    static func options(_ o: EditingOptions) -> [String: Any] {
        [
            "steps": o.steps, "seed": Int(o.seed), "guidance_scale": o.guidanceScale, "edit_weight": o.editWeight,
            "content_weight": o.contentWeight, "inpaint_weight": o.inpaintWeight, "energy_scale": o.energyScale,
            "step_factor": o.stepFactor, "semantic_weight": o.semanticWeight, "quality_weight": o.qualityWeight,
            "guidance_steps": o.guidanceSteps, "dense_guidance_steps": o.denseGuidanceSteps, "semantic_steps": o.semanticSteps,
            "memory_bank_from": o.memoryBankFrom,
            "sde_eta": o.sdeEta, "sde_from": o.sdeSteps.lowerBound, "sde_to": o.sdeSteps.upperBound, "time_travel": o.timeTravel,
            "time_travel_steps": o.timeTravelSteps, "time_travel_repeats": o.timeTravelRepeats, "window": o.window,
            "feature_blocks": o.featureBlocks, "feature_stride": o.featureStride, "keep_outside": o.keepOutside,
            "outside_feather": o.outsideFeather, "inversion_strength": o.inversionStrength,
        ]
    }
}

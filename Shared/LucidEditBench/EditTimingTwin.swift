/// Runs the PyTorch twin of the guided loop (`Benchmarks/reference/edit_timing.py`) on the tasks and
/// prompts of the full row, with the same options, as a child process. It is optional: without
/// Python and torch the report says so and the benchmark carries on.
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

    /// The timing of the full row's best intention on each task of `report` (at most `limit` tasks).
    public func run(_ report: EditBenchReport, options: EditingOptions, limit: Int? = nil,
                    progress: (String) -> Void = { _ in }) -> EditTimingReport {
        var timing = EditTimingReport(
            note: "the twin has no blend_outside_from (one elementwise blend a step) and starts from the patch copy, not the warped start (whose picture Swift encodes once more: one VAE encoder pass an edit that the twin does not pay), with the inpainting term the warped start leaves out (the same work within a 3×3 window)", threads: threads)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            timing.note = "not run: no Python at \(python) (tools/requirements-reference.txt, scripts/setup-reference.sh)"
            return timing
        }
        var jobs: [[String: Any]] = [], swift: [(String, StageTimes)] = []
        for task in report.tasks.prefix(limit ?? report.tasks.count) {
            guard let full = task.rows.first(where: { $0.row == .full })?.results.first,
                  let source = full.sourcePrompt, let target = full.targetPrompt else { continue }
            var times = full.times
            let paid = task.rows.flatMap(\.results).first { $0.times.invert > 0 }
            times.encode = paid?.times.encode ?? 0
            times.invert = paid?.times.invert ?? 0
            swift.append((task.id, times))
            jobs.append(["task": URL(fileURLWithPath: report.setup.tasks, relativeTo: root).appendingPathComponent(task.id).path,
                         "source": source, "target": target, "options": Self.options(options)])
        }
        guard !jobs.isEmpty else {
            timing.note = "not run: the report has no full-row edits"
            return timing
        }
        do {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("edit-timing-\(getpid()).json")
            try JSONSerialization.data(withJSONObject: jobs).write(to: file)
            let log = file.deletingPathExtension().appendingPathExtension("log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            defer { [file, log].forEach { try? FileManager.default.removeItem(at: $0) } }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["Benchmarks/reference/edit_timing.py", file.path, "--threads", "\(threads)"]
            process.currentDirectoryURL = root
            var environment = ProcessInfo.processInfo.environment
            environment["OMP_NUM_THREADS"] = "\(threads)"
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            let handle = output.fileHandleForReading
            var buffer = Data()
            let decoder = JSONDecoder()
            struct Line: Decodable { let seconds: StageTimes }
            while case let chunk = handle.availableData, !chunk.isEmpty {
                buffer.append(chunk)
                while let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = try decoder.decode(Line.self, from: buffer[buffer.startIndex..<end])
                    buffer = Data(buffer[buffer.index(after: end)...])
                    let (id, times) = swift[timing.edits.count]
                    timing.edits.append(EditTimingPair(task: id, swift: times, pytorch: line.seconds))
                    progress(String(format: "  twin %@: %.2f s (Swift %.2f s)", id, timing.edits.last!.pytorchSeconds, timing.edits.last!.swiftSeconds))
                }
            }
            process.waitUntilExit()
            let stderr = (try? Data(contentsOf: log)) ?? Data()
            if process.terminationStatus != 0 {
                let last = String(decoding: stderr, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
                timing.note = "the twin stopped with status \(process.terminationStatus) after \(timing.edits.count) edits: \(last)"
            }
        } catch {
            timing.note = "the twin failed after \(timing.edits.count) edits: \(error)"
        }
        return timing
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

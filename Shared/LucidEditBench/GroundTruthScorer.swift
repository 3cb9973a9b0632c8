/// The ground-truth scores of edited images, from the demo-world checker in Python
/// (`tools/demoworld/edit_scores.py`): one child process serves the whole run, a JSON line a job.
import Foundation

/// What the checker says about one edited image (see `tools/demoworld/edit_scores.py`).
public struct GroundTruthScore: Codable, Sendable, Equatable {
    /// Handle-to-target distance after the edited object's transform, pixels.
    public var md: Double
    /// Whether the edited object was found (else `md` counts the handles as not moved).
    public var found: Bool
    /// IoU of the edited object with the intended ground truth's object mask.
    public var iou: Double
    /// Distance between their centroids (nil when either is empty).
    public var centroidError: Double?
    /// Whether every captioned object is found (caption before, or after any acceptable edit).
    public var checkerPass: Bool
    /// IoU with every acceptable ground truth, in the task's order.
    public var acceptableIoU: [Double]

    enum CodingKeys: String, CodingKey {
        case md, found, iou, checkerPass = "checker_pass", centroidError = "centroid_error", acceptableIoU = "acceptable_iou"
    }
}

/// A running `python -m tools.demoworld.edit_scores`.
public final class GroundTruthScorer {
    private let process = Process()
    private let input = Pipe()
    private var lines: ChildOutputLines

    /// Starts the scorer with `python` in `root` (the package root, where `tools/` is).
    public init(python: String, root: URL) throws {
        let output = Pipe()
        lines = ChildOutputLines(output.fileHandleForReading)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw EditBenchError.python("no Python interpreter at \(python)")
        }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "tools.demoworld.edit_scores"]
        process.currentDirectoryURL = root
        // One thread for numpy/scipy's BLAS: its idle threads would otherwise spin on the cores the
        // next edit is being timed on (4 % of an edit run's samples before this).
        var environment = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { environment[name] = "1" }
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// The scores of `image` as an answer to `task`.
    public func score(task: URL, image: URL) throws -> GroundTruthScore {
        let job = try JSONSerialization.data(withJSONObject: ["task": task.path, "image": image.path])
        try input.fileHandleForWriting.write(contentsOf: job + Data("\n".utf8))
        guard let line = lines.next() else {
            throw EditBenchError.python("the scorer stopped (status \(process.isRunning ? -1 : process.terminationStatus))")
        }
        if let failure = try? JSONDecoder().decode([String: String].self, from: line), let message = failure["error"] {
            throw EditBenchError.python("the scorer failed on \(image.lastPathComponent): \(message)")
        }
        return try JSONDecoder().decode(GroundTruthScore.self, from: line)
    }
}

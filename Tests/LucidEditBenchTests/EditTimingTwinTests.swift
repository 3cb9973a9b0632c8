/// The PyTorch twin's timing protocol, with a stand-in twin (a Python script in the twin's place that
/// answers each job line with fixed times, in a real child process): each task is timed in Swift
/// right beside the twin, in alternating order, and a twin that dies ends in a note, not a crash.
import Foundation
import LucidEditing
import XCTest

@testable import LucidEditBench

final class EditTimingTwinTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("edit-timing-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func testEachTaskIsTimedBesideTheTwinSwiftFirstOnEveryOtherTask() throws {
        let python = try stageTwin(answering: 3)
        var swiftCalls: [String] = []
        let timing = EditTimingTwin(python: python, root: root, threads: 2).run(report(tasks: 3), options: EditingOptions()) {
            swiftCalls.append($0.lastPathComponent)
            try self.appendToCalls("swift \($0.lastPathComponent)")
            var times = StageTimes()
            times.sample = 0.5
            return times
        }

        XCTAssertNil(timing.note?.range(of: "failed"), timing.note ?? "")
        XCTAssertEqual(timing.edits.map(\.task), ["task-0001", "task-0002", "task-0003"])
        XCTAssertEqual(swiftCalls, ["task-0001", "task-0002", "task-0003"])
        XCTAssertEqual(try calls(), [
            "twin task-0001", "swift task-0001", "swift task-0002", "twin task-0002", "twin task-0003", "swift task-0003",
        ])
        for edit in timing.edits {
            XCTAssertEqual(edit.swiftSeconds, 0.5, accuracy: 1e-9)
            XCTAssertEqual(edit.pytorchSeconds, 1.4, accuracy: 1e-9)
        }
    }

    func testATwinThatDiesKeepsTheEditsBeforeItAndSaysWhy() throws {
        let python = try stageTwin(answering: 1)
        let timing = EditTimingTwin(python: python, root: root, threads: 2).run(report(tasks: 3), options: EditingOptions()) { _ in
            StageTimes()
        }

        XCTAssertEqual(timing.edits.map(\.task), ["task-0001"])
        let note = try XCTUnwrap(timing.note)
        XCTAssertTrue(note.contains("failed after 1 edits") && note.contains("out of jobs"), note)
    }

    func testWithoutPythonTheTwinIsNotRun() throws {
        let timing = EditTimingTwin(python: root.appendingPathComponent("no-python").path, root: root, threads: 2)
            .run(report(tasks: 1), options: EditingOptions()) { _ in XCTFail("no edit without the twin"); return StageTimes() }
        XCTAssertTrue(timing.edits.isEmpty)
        XCTAssertTrue(timing.note?.hasPrefix("not run: no Python") == true, timing.note ?? "")
    }

    /// Puts a stand-in `edit_timing.py` where the twin is run from, answering `jobs` jobs and then
    /// exiting with an error; returns the Python to run it with.
    private func stageTwin(answering jobs: Int) throws -> String {
        let candidates = [
            ProcessInfo.processInfo.environment["LUCID_TEST_PYTHON"], "/usr/bin/python3", "/usr/local/bin/python3",
        ].compactMap { $0 }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no python3 to run the stand-in twin")
        }
        let folder = root.appendingPathComponent("Benchmarks/reference")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            import json, sys
            for n, line in enumerate(sys.stdin):
                job = json.loads(line)
                with open("calls.log", "a") as calls:
                    calls.write("twin " + job["task"].rsplit("/", 1)[-1] + "\\n")
                if n == \(jobs):
                    sys.exit("out of jobs")
                seconds = {"encode": 0.1, "invert": 0.2, "sample": 1.0, "decode": 0.1}
                print(json.dumps({"task": job["task"], "seconds": seconds}), flush=True)
            """.write(to: folder.appendingPathComponent("edit_timing.py"), atomically: true, encoding: .utf8)
        return python
    }

    private func appendToCalls(_ line: String) throws {
        let url = root.appendingPathComponent("calls.log")
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\(line)\n".utf8))
    }

    private func calls() throws -> [String] {
        try String(contentsOf: root.appendingPathComponent("calls.log"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// A report whose tasks each have a full-row result with prompts.
    private func report(tasks: Int) -> EditBenchReport {
        var report = EditBenchReport(setup: .init(
            tasks: "tasks", steps: 50, seed: 0, intentions: 1, rows: [.full], model: "stand-in", threads: 2, blasCore: "",
            groundTruthScored: false, overrides: []))
        let result = EditResultRecord(
            intention: "enlarge", sourcePrompt: "a red circle", targetPrompt: "a large red circle", psnrInside: 0,
            psnrOutside: 0, featureMD: 0, perceptual: 0, discriminatorLogit: 0, truth: nil, times: StageTimes(), flops: 0,
            image: "")
        report.tasks = (1...tasks).map {
            EditTaskRecord(id: String(format: "task-%04d", $0), intendedKind: "enlarge", acceptableKinds: ["enlarge"], pairs: 1,
                           dragLength: 10, rows: [EditRowRecord(row: .full, results: [result])])
        }
        return report
    }
}

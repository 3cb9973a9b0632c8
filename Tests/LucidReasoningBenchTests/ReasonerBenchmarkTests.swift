/// Tests of the reasoner benchmark: task folders in the demo-world format are read, and the figures
/// count top-1 hits on unambiguous tasks, top-3 coverage on ambiguous ones, and the Brier score.
import Foundation
import LucidImage
import LucidProto
import LucidReasoning
import LucidReasoningBench
import XCTest

final class ReasonerBenchmarkTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes a task with a red disc of radius 12 at (64, 64) on grey.
    private func writeTask(_ id: String, pairs: String, intended: String, acceptable: [String]) throws {
        let folder = directory.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var image = try RasterImage(width: 128, height: 128, format: .rgb, fill: [200, 200, 200])
        var mask = BinaryMask(width: 128, height: 128)
        for y in 0..<128 {
            for x in 0..<128 {
                let d2 = (x - 64) * (x - 64) + (y - 64) * (y - 64)
                if d2 <= 144 { image[x, y, 0] = 220; image[x, y, 1] = 40; image[x, y, 2] = 40 }
                if d2 <= 900 { mask[x, y] = true }
            }
        }
        try PNGCodec.encode(image).write(to: folder.appendingPathComponent("input.png"))
        try PNGCodec.encode(mask.toImage()).write(to: folder.appendingPathComponent("mask.png"))
        let kinds = acceptable.map { "{\"kind\": \"\($0)\"}" }.joined(separator: ", ")
        let json = """
        {"id": "\(id)", "width": 128, "height": 128, "caption": "a small red circle on a light gray background",
         "pairs": \(pairs), "intended_kind": "\(intended)", "ambiguous": \(acceptable.count > 1),
         "acceptable": [\(kinds)], "object": {"shape": "circle", "color": "red", "size_word": "small"}}
        """
        try json.write(to: folder.appendingPathComponent("task.json"), atomically: true, encoding: .utf8)
    }

    func testTheBenchmarkReadsTaskFoldersAndCountsHitsAndMisses() throws {
        try writeTask("task-0001", pairs: #"[{"handle": [64, 64], "target": [84, 70]}]"#, intended: "move", acceptable: ["move"])
        try writeTask("task-0002", pairs: #"[{"handle": [75, 64], "target": [81, 64]}]"#, intended: "enlarge",
                      acceptable: ["enlarge", "move", "stretch_horizontal"])
        // A deliberately wrong label: the drag is a move, the task says shrink.
        try writeTask("task-0003", pairs: #"[{"handle": [64, 64], "target": [44, 60]}]"#, intended: "shrink", acceptable: ["shrink"])
        let tasks = try DragTask.loadAll(from: directory)
        XCTAssertEqual(tasks.map(\.id), ["task-0001", "task-0002", "task-0003"])
        let result = ReasonerBenchmark().run(tasks)
        XCTAssertEqual(result.unambiguous, 2)
        XCTAssertEqual(result.top1Hits, 1)
        XCTAssertEqual(result.ambiguous, 1)
        XCTAssertEqual(result.top3Hits, 1)
        XCTAssertEqual(result.misses, ["task-0003"])
        XCTAssertEqual(result.shapeHits, 3)
        XCTAssertTrue(result.report.contains("top-1: 50.0%"), "\(result.report)")
        XCTAssertTrue(result.report.contains("top-3 (ambiguous): 100.0%"))
        XCTAssertGreaterThan(result.brier, 0.3, "the mislabelled task costs about 1.9 alone")
    }

    func testASetWithNoAmbiguousTaskSaysSoInsteadOfScoringZero() throws {
        try writeTask("task-0001", pairs: #"[{"handle": [64, 64], "target": [84, 70]}]"#, intended: "move", acceptable: ["move"])
        let result = ReasonerBenchmark().run(try DragTask.loadAll(from: directory))
        XCTAssertTrue(result.report.contains("top-1: 100.0%"), "\(result.report)")
        XCTAssertTrue(result.report.contains("top-3 (ambiguous): – (no ambiguous task)"), "\(result.report)")
    }

    func testAMalformedTaskIsAnErrorNamingTheTask() throws {
        try writeTask("task-0001", pairs: #"[{"handle": [64, 64], "target": [84, 70]}]"#, intended: "explode", acceptable: ["move"])
        XCTAssertThrowsError(try DragTask.loadAll(from: directory)) { error in
            XCTAssertTrue("\(error)".contains("task-0001: unknown intended kind explode"), "\(error)")
        }
    }
}

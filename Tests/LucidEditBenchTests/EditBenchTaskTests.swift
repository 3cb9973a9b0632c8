/// A task folder as the edit benchmark reads it: a task drawn by hand is scored against the exact drag
/// its user meant (`intended_pairs`), an exact task against its own pairs, and a malformed
/// `intended_pairs` is an error naming the task.
import Foundation
import LucidEditBench
import LucidReasoning
import LucidReasoningBench
import XCTest

final class EditBenchTaskTests: XCTestCase {
    private var folder: URL!

    /// A copy of large-drag dev task 0001 (one pair) whose task.json the test may rewrite.
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("edit-task-\(UUID().uuidString)/task-0001")
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: QuickEditBenchTests.root.appendingPathComponent("Benchmarks/data/drag-large-dev/task-0001"), to: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
    }

    private func rewrite(_ change: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent("task.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    func testAnExactTaskIsScoredAgainstItsOwnPairs() throws {
        let task = try EditBenchTask(folder: folder)
        XCTAssertEqual(task.scoredPairs, task.drag.input.pairs)
    }

    func testATaskDrawnByHandIsScoredAgainstTheDragItsUserMeant() throws {
        try rewrite { json in
            json["intended_pairs"] = json["pairs"]
            json["pairs"] = [["handle": [66.5, 98.25], "target": [99.0, 75.5]]]
        }
        let task = try EditBenchTask(folder: folder)
        XCTAssertEqual(task.drag.input.pairs, [DragPair(handle: PixelPoint(x: 66.5, y: 98.25), target: PixelPoint(x: 99, y: 75.5))])
        XCTAssertEqual(task.scoredPairs, [DragPair(handle: PixelPoint(x: 68, y: 97), target: PixelPoint(x: 98.09, y: 76.89))])
    }

    func testAMalformedIntendedDragIsAnErrorNamingTheTask() throws {
        try rewrite { json in json["intended_pairs"] = [["handle": [1.0], "target": [2.0, 3.0]]] }
        XCTAssertThrowsError(try EditBenchTask(folder: folder)) { error in
            XCTAssertTrue("\(error)".contains("task-0001") && "\(error)".contains("intended_pairs"), "\(error)")
        }
        try rewrite { json in json["intended_pairs"] = [] as [Any] }
        XCTAssertThrowsError(try EditBenchTask(folder: folder))
    }
}

/// The edit benchmark's quick mode: two large-drag dev tasks, two steps, every row. It checks the
/// pipeline (table, JSON report, grid, finite figures), not the method's numbers.
import Foundation
import LucidEditBench
import LucidEditing
import LucidImage
import LucidModels
import XCTest

final class QuickEditBenchTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Python of `scripts/test.sh` or of the reference, when one is there (the checker's columns need it).
    static var python: String? {
        [".venv-test/bin/python", ".venv-ref/bin/python"].map { root.appendingPathComponent($0).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func testAQuickRunWritesTheTableTheReportAndTheGridWithFiniteFigures() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("edit-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var configuration = EditBenchConfiguration(
            tasks: Self.root.appendingPathComponent("Benchmarks/data/drag-large-dev"), output: output)
        configuration.limit = 2
        configuration.options.steps = 2
        configuration.intentions = 2
        configuration.json = output.appendingPathComponent("report.json")
        let folder = Self.root.appendingPathComponent("Models/demo-world")
        let scorer = try Self.python.map { try GroundTruthScorer(python: $0, root: Self.root) }
        let runner = try EditBenchRunner(
            configuration: configuration, model: try EditingModel(folder: folder),
            discriminator: try LatentDiscriminator(folder: folder.appendingPathComponent("discriminator")), scorer: scorer)

        let report = try runner.run()

        XCTAssertEqual(report.tasks.map(\.id), ["task-0001", "task-0002"])
        let written = try EditBenchReport.read(from: output.appendingPathComponent("report.json"))
        XCTAssertEqual(written.tasks.count, 2)
        XCTAssertEqual(written.summary.map(\.row), EditBenchRow.allCases)
        for task in report.tasks {
            XCTAssertEqual(task.rows.map(\.row), EditBenchRow.allCases)
            for row in task.rows {
                XCTAssertEqual(row.results.count, row.row == .full ? 2 : 1, "\(task.id) \(row.row)")
                for result in row.results {
                    XCTAssertTrue(result.psnrInside.isFinite || row.row == .truth, "\(task.id) \(row.row) PSNR in")
                    XCTAssertTrue(result.featureMD.isFinite && result.discriminatorLogit.isFinite, "\(task.id) \(row.row)")
                    XCTAssertTrue(result.perceptual.isFinite && result.perceptual >= 0, "\(task.id) \(row.row) perceptual")
                    if row.row.isDiffusion {
                        XCTAssertTrue(result.psnrOutside.isFinite, "\(task.id) \(row.row) changes the outside a little")
                        XCTAssertGreaterThan(result.times.sample, 0)
                        XCTAssertGreaterThan(result.flops, 0)
                    }
                }
            }
            let identity = try XCTUnwrap(task.rows.first { $0.row == .identity }?.results.first)
            XCTAssertEqual(identity.psnrOutside, .infinity)
            XCTAssertGreaterThan(identity.perceptual, 0, "\(task.id): the unedited picture is not the ground truth")
            // The input's own features match each handle where it is: the distance is the drag's length.
            XCTAssertEqual(identity.featureMD, task.dragLength, accuracy: 2.5, task.id)
            let copy = try XCTUnwrap(task.rows.first { $0.row == .copyPaste }?.results.first)
            XCTAssertEqual(copy.psnrOutside, .infinity, "copy-paste changes only the mask")
            XCTAssertLessThan(copy.featureMD, identity.featureMD, "\(task.id): the pasted object sits nearer the targets")
            let input = try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: identity.image)))
            let pasted = try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: copy.image)))
            XCTAssertNotEqual(input.pixels, pasted.pixels, "\(task.id): copy-paste changes the image")
            if scorer != nil {
                let truth = try XCTUnwrap(identity.truth)
                XCTAssertTrue(truth.found)
                XCTAssertEqual(truth.md, task.dragLength, accuracy: 1, "\(task.id): no edit leaves every handle where it was")
            }
        }

        let table = EditBenchTable(report: report).render()
        for row in EditBenchRow.allCases { XCTAssertTrue(table.contains("| \(row.rawValue) |"), row.rawValue) }
        XCTAssertTrue(table.contains("targets:"))
        let tasks = try EditBenchTask.loadAll(from: configuration.tasks, limit: 2)
        let grid = try EditBenchGrid().render(report, tasks: tasks)
        let decoded = try PNGCodec.decode(PNGCodec.encode(grid))
        XCTAssertEqual(decoded.width, 10 * 128 + 9 * 4, "input, ground truth and eight rows")
        XCTAssertGreaterThan(decoded.height, 2 * 128)
    }
}

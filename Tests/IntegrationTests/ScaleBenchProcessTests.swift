// `luciddrag bench scale` in its quick form: real fleets of service processes are started, edits go
// through the gateway, a second sampler takes part of the batch, and each fleet exits cleanly.
import Foundation
import LucidTestSupport
import XCTest

final class ScaleBenchProcessTests: XCTestCase {
    /// The fields of the JSON report this test reads.
    private struct Report: Decodable {
        struct Fleet: Decodable { let samplers: Int; let threads: Int }
        struct Row: Decodable {
            let transport: String
            let fleet: Fleet
            let batchEdits: Int
            let batchSeconds: Double
            let batchLatencies: [Double]
            let batchSamplersUsed: Int
            let spreadSamplersUsed: Int
            let singleLatencies: [Double]
            let singleSamplerSeconds: [Double]
        }
        let rows: [Row]
    }

    func testTwoFleetsRunTheirEditsAndTheSecondSamplerSharesTheWork() async throws {
        let directory = try TestDirectory()
        let tasks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/data/drag-large-dev")
        let json = directory.url.appendingPathComponent("scale/report.json")
        let bench = try ChildProcess("luciddrag", [
            "bench", "scale", "--tasks", tasks.path, "--fleets", "1x1,2x1", "--transports", "ipc", "--edits", "4",
            "--steps", "2", "--singles", "1", "--intentions", "2", "--json", json.path,
        ], in: directory.url, label: "bench-scale")
        let status = await bench.waitForExit(timeout: .seconds(240))
        XCTAssertEqual(status, 0, bench.output)
        XCTAssertTrue(bench.output.contains("| ipc | 2x1 |"), bench.output)

        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: json))
        XCTAssertEqual(report.rows.map { "\($0.transport) \($0.fleet.samplers)x\($0.fleet.threads)" }, ["ipc 1x1", "ipc 2x1"])
        for row in report.rows {
            XCTAssertEqual(row.batchEdits, 4)
            XCTAssertEqual(row.batchLatencies.count, 4)
            XCTAssertTrue(row.batchLatencies.allSatisfy { $0 > 0 && $0 <= row.batchSeconds + 0.01 }, "\(row.batchLatencies)")
            XCTAssertTrue(zip(row.singleLatencies, row.singleSamplerSeconds).allSatisfy { $0 > $1 && $1 > 0 },
                          "the client waits longer than the sampler works")
        }
        XCTAssertEqual(report.rows.map(\.batchSamplersUsed), [1, 2], "both samplers of the 2x1 fleet made batch edits")
        XCTAssertEqual(report.rows.map(\.spreadSamplersUsed), [1, 2], "the two intentions went to different samplers")
        let logs = directory.url.appendingPathComponent("scale/logs")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted(), ["ipc-1x1", "ipc-2x1"])
    }
}

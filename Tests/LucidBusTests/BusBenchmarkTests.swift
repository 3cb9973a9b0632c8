// The bus benchmark runs every path on both transports and reports sane numbers.

import XCTest
@testable import LucidBus

final class BusBenchmarkTests: XCTestCase {
    func testTheBenchmarkMeasuresEveryPathAndWorkerCount() async throws {
        let options = BusBenchmark.Options(roundTrips: 40, warmup: 5, throughputRequests: 48, inFlight: 8)
        let report = try await BusBenchmark.run(options, logger: testLogger("bench"))
        XCTAssertEqual(report.latency.count, 6)
        XCTAssertEqual(report.throughput.map(\.workers), [1, 2, 4, 1, 2, 4, 1, 2, 4, 1, 2, 4])
        XCTAssertEqual(report.throughput.filter { $0.work > .zero }.count, 6)
        for row in report.latency {
            XCTAssertGreaterThan(row.p50, .zero, "\(row.path)")
            XCTAssertGreaterThanOrEqual(row.p99, row.p50, "\(row.path)")
        }
        XCTAssertTrue(report.throughput.allSatisfy { $0.requestsPerSecond > 0 })
        XCTAssertNotNil(report.brokerOverheadP50(.ipc))
        XCTAssertTrue(report.table.contains("broker adds"), report.table)
        print(report.table)
    }
}

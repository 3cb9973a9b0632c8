// The lifecycle of one process's services: started together, stopped in reverse order when the
// caller cancels, and all stopped (with an error) when one of them ends on its own.
import Foundation
import Logging
import LucidService
import XCTest

/// Records the order in which services start and stop.
private final class Journal: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    func record(_ entry: String) { lock.withLock { entries.append(entry) } }
    var all: [String] { lock.withLock { entries } }
}

/// A service that runs until cancelled, or fails after `failAfter`.
private struct RecordingService: LucidService {
    let name: String
    let journal: Journal
    var failAfter: Duration?

    struct Failure: Error {}

    func run() async throws {
        journal.record("start \(name)")
        defer { journal.record("stop \(name)") }
        if let failAfter {
            try? await Task.sleep(for: failAfter)
            throw Failure()
        }
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
    }
}

final class ServiceRunnerTests: XCTestCase {
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func testCancellingTheRunnerStopsServicesInReverseOrderOfStart() async throws {
        let journal = Journal()
        let services = ["broker", "reasoner", "sampler"].map { RecordingService(name: $0, journal: journal) }
        let runner = Task {
            try await ServiceRunner(services: services, logger: logger).run(until: ShutdownSignalWatcher(signals: []))
        }
        while journal.all.filter({ $0.hasPrefix("start") }).count < 3 { try await Task.sleep(for: .milliseconds(5)) }
        runner.cancel()
        let signal = try await runner.value
        XCTAssertNil(signal)
        XCTAssertEqual(journal.all.filter { $0.hasPrefix("stop") }, ["stop sampler", "stop reasoner", "stop broker"])
    }

    func testAServiceThatFailsStopsTheOthersAndIsReported() async throws {
        let journal = Journal()
        let services = [
            RecordingService(name: "broker", journal: journal),
            RecordingService(name: "sampler", journal: journal, failAfter: .milliseconds(20)),
        ]
        do {
            try await ServiceRunner(services: services, logger: logger).run(until: ShutdownSignalWatcher(signals: []))
            XCTFail("a failing service should make the runner throw")
        } catch let error as ServiceEndedError {
            XCTAssertEqual(error.service, "sampler")
            XCTAssertTrue(error.underlying is RecordingService.Failure)
        }
        XCTAssertEqual(Set(journal.all), ["start broker", "start sampler", "stop sampler", "stop broker"])
    }
}

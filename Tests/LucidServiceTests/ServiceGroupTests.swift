// The lifecycle of one process's services in a ServiceGroup: started together, stopped in reverse
// order on a graceful shutdown, and all stopped (with an error naming it) when one of them ends on its own.
import Foundation
import Logging
import LucidService
import ServiceLifecycle
import Synchronization
import XCTest

/// Records the order in which services start and stop.
private final class Journal: Sendable {
    private let entries = Mutex<[String]>([])

    func record(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
    var started: Int { all.filter { $0.hasPrefix("start") }.count }
}

/// A service that runs until cancelled, or ends after `endAfter` (throwing when `fails`).
private struct RecordingService: LucidService {
    let name: String
    let journal: Journal
    var endAfter: Duration?
    var fails = true

    struct Failure: Error {}

    func run() async throws {
        journal.record("start \(name)")
        defer { journal.record("stop \(name)") }
        if let endAfter {
            try? await Task.sleep(for: endAfter)
            if fails { throw Failure() }
            return
        }
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
    }
}

final class ServiceGroupTests: XCTestCase {
    private let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func testAGracefulShutdownStopsServicesInReverseOrderOfStart() async throws {
        let journal = Journal()
        let services = ["broker", "reasoner", "sampler"].map { RecordingService(name: $0, journal: journal) }
        let group = ServiceGroup(lucidServices: services, logger: logger)
        let runner = Task { try await group.run() }
        while journal.started < 3 { try await Task.sleep(for: .milliseconds(5)) }
        await group.triggerGracefulShutdown()
        try await runner.value
        XCTAssertEqual(journal.all.filter { $0.hasPrefix("stop") }, ["stop sampler", "stop reasoner", "stop broker"])
    }

    func testAServiceThatFailsStopsTheOthersAndIsReported() async throws {
        let journal = Journal()
        let services = [
            RecordingService(name: "broker", journal: journal),
            RecordingService(name: "worker", journal: journal),
            RecordingService(name: "sampler", journal: journal, endAfter: .milliseconds(20)),
        ]
        do {
            try await ServiceGroup(lucidServices: services, logger: logger).run()
            XCTFail("a failing service should make the group throw")
        } catch let error as ServiceEndedError {
            XCTAssertEqual(error.service, "sampler")
            XCTAssertTrue(error.underlying is RecordingService.Failure)
        }
        XCTAssertEqual(journal.all.filter { $0.hasPrefix("stop") }, ["stop sampler", "stop worker", "stop broker"])
    }

    func testAServiceThatReturnsOnItsOwnIsReportedToo() async throws {
        let journal = Journal()
        let services = [
            RecordingService(name: "broker", journal: journal),
            RecordingService(name: "worker", journal: journal, endAfter: .milliseconds(20), fails: false),
        ]
        do {
            try await ServiceGroup(lucidServices: services, logger: logger).run()
            XCTFail("a service that ends by itself should make the group throw")
        } catch let error as ServiceEndedError {
            XCTAssertEqual(error.service, "worker")
            XCTAssertNil(error.underlying)
            XCTAssertEqual(error.description, "worker stopped on its own")
        }
        XCTAssertEqual(Set(journal.all), ["start broker", "start worker", "stop worker", "stop broker"])
    }
}

// Flags win over environment variables, which win over defaults; bad values are refused with a
// message that names them.
import LucidBus
import LucidService
import XCTest

final class ServiceConfigurationTests: XCTestCase {
    func testFlagsWinOverTheEnvironmentWhichWinsOverDefaults() throws {
        let environment = [
            "LUCID_BUS": "tcp://10.0.0.1:5555", "LUCID_WORKER_ID": "from-env", "LUCID_HEARTBEAT_MS": "250",
            "LUCID_HEARTBEAT_LIVENESS": "5", "LUCID_LOG_LEVEL": "DEBUG",
        ]
        let fromEnvironment = try ServiceConfiguration.resolve(
            service: "sampler", bus: nil, workerID: nil, heartbeatMilliseconds: nil, heartbeatLiveness: nil,
            logLevel: nil, environment: environment)
        XCTAssertEqual(fromEnvironment, ServiceConfiguration(
            bus: try BusEndpoint("tcp://10.0.0.1:5555"), workerID: "from-env", heartbeatInterval: .milliseconds(250),
            heartbeatLiveness: 5, logLevel: .debug))

        let fromFlags = try ServiceConfiguration.resolve(
            service: "sampler", bus: "ipc:///tmp/x.sock", workerID: "from-flag", heartbeatMilliseconds: 100,
            heartbeatLiveness: 2, logLevel: "error", environment: environment)
        XCTAssertEqual(fromFlags, ServiceConfiguration(
            bus: try BusEndpoint("ipc:///tmp/x.sock"), workerID: "from-flag", heartbeatInterval: .milliseconds(100),
            heartbeatLiveness: 2, logLevel: .error))
    }

    func testDefaultsAreTheRuntimeDirectorySocketAndAPerProcessWorkerID() throws {
        let configuration = try ServiceConfiguration.resolve(
            service: "reasoner", bus: nil, workerID: nil, heartbeatMilliseconds: nil, heartbeatLiveness: nil,
            logLevel: nil, environment: [:])
        XCTAssertEqual(configuration.bus.transport, .ipc)
        XCTAssertTrue(configuration.bus.address.hasSuffix("/luciddrag/bus.sock") || configuration.bus.address.hasSuffix("/bus.sock"),
                      "\(configuration.bus)")
        XCTAssertTrue(configuration.workerID.hasPrefix("reasoner-"))
        XCTAssertTrue(configuration.workerID.hasSuffix("-\(getpid())"))
        XCTAssertEqual(configuration.heartbeat.interval, .milliseconds(1000))
        XCTAssertEqual(configuration.heartbeat.liveness, 3)
        XCTAssertEqual(configuration.logLevel, .info)
    }

    func testMalformedValuesAreRefusedWithTheirName() {
        func message(_ environment: [String: String], bus: String? = nil, heartbeat: Int? = nil) -> String {
            do {
                _ = try ServiceConfiguration.resolve(
                    service: "sampler", bus: bus, workerID: nil, heartbeatMilliseconds: heartbeat,
                    heartbeatLiveness: nil, logLevel: nil, environment: environment)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(message(["LUCID_HEARTBEAT_MS": "fast"]).contains("LUCID_HEARTBEAT_MS"))
        XCTAssertTrue(message(["LUCID_HEARTBEAT_LIVENESS": "-1"]).contains("LUCID_HEARTBEAT_LIVENESS"))
        XCTAssertTrue(message(["LUCID_LOG_LEVEL": "loud"]).contains("loud"))
        XCTAssertTrue(message([:], heartbeat: 0).contains("--heartbeat-ms"))
        XCTAssertTrue(message([:], bus: "localhost:5555").contains("localhost:5555"))
    }

    func testServiceNamesParseFromShortAndMajordomoNames() {
        XCTAssertEqual(ServiceName(parsing: "sampler"), .sampler)
        XCTAssertEqual(ServiceName(parsing: "lucid.v1.Discriminator"), .discriminator)
        XCTAssertNil(ServiceName(parsing: "lucid.v1.Painter"))
    }
}

// Shared set-up for the bus tests: unique endpoints, fast heartbeats, an echo service, and a raw
// DEALER peer that speaks MDP/0.2 frame by frame (for fake workers and malformed input).

import Foundation
import Logging
import LucidProto
import XCTest
@testable import LucidBus

/// Heartbeats fast enough to find a dead worker in well under a second.
let fastHeartbeat = Heartbeat(interval: .milliseconds(100), liveness: 3)

/// The test service's name.
let echoService = "lucid.test.Echo"

/// A quiet logger (set LUCID_TEST_LOG=debug to see the bus talk).
func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["LUCID_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    return logger
}

/// A fresh endpoint of each transport.
enum TestEndpoint {
    static func inproc() -> BusEndpoint { .inproc(named: "test-\(UUID().uuidString)") }
    static func ipc() throws -> BusEndpoint { try BusEndpoint.ipc(named: "test-\(UUID().uuidString.prefix(12))") }
    static let tcp = try! BusEndpoint("tcp://127.0.0.1:*")
}

func makeBroker(_ endpoint: BusEndpoint, _ configure: (inout MajordomoBroker.Configuration) -> Void = { _ in }) throws -> MajordomoBroker {
    var configuration = MajordomoBroker.Configuration(heartbeat: fastHeartbeat, unservedTimeout: .seconds(10))
    configure(&configuration)
    return try MajordomoBroker(endpoints: [endpoint], configuration: configuration, logger: testLogger("broker"))
}

/// An echo worker: "Echo" returns its lucid.v1.Status request with `message` prefixed by the
/// worker id. Health reports `model`.
func makeEchoWorker(_ endpoint: BusEndpoint, id: String, concurrency: Int = 1, model: String? = nil) throws -> ServiceWorker {
    let configuration = ServiceWorker.Configuration(
        concurrency: concurrency,
        worker: MajordomoWorker.Configuration(heartbeat: fastHeartbeat, reconnectDelay: .milliseconds(100)),
        workerID: id,
        model: model)
    let worker = ServiceWorker(service: echoService, endpoint: endpoint, configuration: configuration, logger: testLogger(id))
    worker.register(method: "Echo") { (request: Lucid_V1_Status, _) in
        var reply = request
        reply.message = "\(id):\(request.message)"
        return reply
    }
    try worker.start()
    return worker
}

func status(_ message: String, code: Lucid_V1_StatusCode = .ok) -> Lucid_V1_Status {
    var status = Lucid_V1_Status()
    status.code = code
    status.message = message
    return status
}

/// Runs `body` and returns the RPCError it throws (failing the test if it throws none).
func rpcError(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> RPCError? {
    do {
        try await body()
        XCTFail("expected an RPCError", file: file, line: line)
    } catch let error as RPCError {
        return error
    } catch {
        XCTFail("expected an RPCError, got \(error)", file: file, line: line)
    }
    return nil
}

/// A raw DEALER for speaking MDP by hand. Receives run on a helper thread, never on the
/// cooperative pool.
final class RawPeer: Sendable {
    let socket: ZMQSocket

    init(_ endpoint: BusEndpoint) throws {
        socket = try ZMQContext.shared.socket(.dealer)
        try socket.connect(endpoint)
    }

    func send(_ frames: Frames) throws { try socket.send(frames) }

    /// The next message within `timeout`, or nil.
    func receive(timeout: Duration = .seconds(5)) async throws -> Frames? {
        try await receiveMessage(from: socket, timeout: timeout)
    }

    /// The next message that is not a worker HEARTBEAT, within `timeout`.
    func receiveSkippingHeartbeats(timeout: Duration = .seconds(5)) async throws -> Frames? {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            guard let frames = try await receive(timeout: ContinuousClock.now.duration(to: end)) else { return nil }
            if frames == MajordomoProtocol.workerSignal(.heartbeat) { continue }
            return frames
        }
        return nil
    }

    deinit { socket.close() }
}

/// The next message on `socket` within `timeout`, or nil; polled on a helper thread, never on the
/// cooperative pool.
func receiveMessage(from socket: ZMQSocket, timeout: Duration = .seconds(5)) async throws -> Frames? {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do {
                let readable = try pollReadable([.socket(socket)], timeoutMilliseconds: timeout.milliseconds)
                continuation.resume(returning: readable[0] ? try socket.receive() : nil)
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// A fake broker (a ROUTER on tcp://) and an echo worker "w" connected to it, once both of the
/// worker's sockets have sent READY: the service's and its control worker's, by socket identity.
struct FakeBroker {
    let router: ZMQSocket
    let worker: ServiceWorker
    let serviceSocket: Data
    let controlSocket: Data

    init() async throws {
        router = try ZMQContext.shared.socket(.router)
        worker = try makeEchoWorker(try router.bind(TestEndpoint.tcp), id: "w")
        var registered: [String: Data] = [:]
        while registered.count < 2 {
            let message = try await receiveMessage(from: router)
            let frames = try XCTUnwrap(message, "the worker registered only \(registered.keys.sorted())")
            if frames.count == 4, Array(frames[1...2]) == [MajordomoProtocol.workerHeader, Data([0x01])] {
                registered[String(decoding: frames[3], as: UTF8.self)] = frames[0]
            }
        }
        XCTAssertEqual(Set(registered.keys), [echoService, ControlService.name(of: echoService)])
        serviceSocket = try XCTUnwrap(registered[echoService])
        controlSocket = try XCTUnwrap(registered[ControlService.name(of: echoService)])
    }
}

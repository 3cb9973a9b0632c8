// ipc:// endpoints: owner-only runtime directory, one live broker per endpoint, stale files cleaned.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class IPCEndpointTests: XCTestCase {
    func testASecondBrokerOnALiveIPCEndpointIsRefused() async throws {
        let endpoint = try TestEndpoint.ipc()
        let first = try makeBroker(endpoint)
        XCTAssertThrowsError(try makeBroker(endpoint)) { error in
            XCTAssertEqual(error as? BusError,
                           .endpointInUse(endpoint.description, owner: "process \(ProcessInfo.processInfo.processIdentifier)"))
            XCTAssertTrue("\(error)".contains("already served"), "\(error)")
        }
        // The first broker is unharmed.
        let worker = try makeEchoWorker(endpoint, id: "w")
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let reply: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("first"), deadline: .seconds(20))
        XCTAssertEqual(reply.message, "w:first")
        await client.shutdown()
        await worker.shutdown()
        await first.shutdown()

        // Once it has stopped, the endpoint is free again and its files are gone.
        let path = endpoint.address
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        let second = try makeBroker(endpoint)
        await second.shutdown()
    }

    func testAStaleSocketFileIsRemovedAndTheEndpointServed() async throws {
        let endpoint = try TestEndpoint.ipc()
        let path = endpoint.address
        // A socket file nobody listens on, as a killed broker leaves behind.
        try Self.makeStaleSocketFile(at: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))

        let broker = try makeBroker(endpoint)
        let worker = try makeEchoWorker(endpoint, id: "w")
        let client = try RPCClient(endpoint: endpoint, logger: testLogger("client"))
        let reply: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("fresh"), deadline: .seconds(20))
        XCTAssertEqual(reply.message, "w:fresh")
        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }

    /// Binds a Unix socket at `path` and closes it without listening: the file stays, dead.
    private static func makeStaleSocketFile(at path: String) throws {
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(rc, 0, "bind errno \(errno)")
    }

    func testTheRuntimeDirectoryIsOwnerOnly() throws {
        let directory = try BusEndpoint.runtimeDirectory()
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        XCTAssertEqual(try BusEndpoint.ipc(named: "gateway").description, "ipc://\(directory)/gateway.sock")
        XCTAssertThrowsError(try BusEndpoint.ipc(named: "../escape"))
    }
}

// BusEndpoint parses an endpoint's text once: its transport and address, and a clear refusal of
// anything a socket could not bind or connect to.
import XCTest
@testable import LucidBus

final class BusEndpointTests: XCTestCase {
    func testEachTransportParsesIntoItsAddressAndPrintsBack() throws {
        for (text, transport, address) in [
            ("inproc://luciddrag-1", BusEndpoint.Transport.inproc, "luciddrag-1"),
            ("ipc:///run/user/1000/luciddrag/bus.sock", .ipc, "/run/user/1000/luciddrag/bus.sock"),
            ("tcp://10.0.0.1:5555", .tcp, "10.0.0.1:5555"),
            ("tcp://*:5555", .tcp, "*:5555"),
            ("tcp://127.0.0.1:*", .tcp, "127.0.0.1:*"),
            ("tcp://[::1]:5555", .tcp, "[::1]:5555"),
        ] {
            let endpoint = try BusEndpoint(text)
            XCTAssertEqual(endpoint.transport, transport, text)
            XCTAssertEqual(endpoint.address, address, text)
            XCTAssertEqual(endpoint.description, text)
        }
    }

    func testMalformedEndpointsAreRefusedSayingWhatIsExpected() {
        for (text, expected) in [
            ("udp://1.2.3.4:5", "expected inproc://NAME, ipc://PATH or tcp://HOST:PORT"),
            ("localhost:5555", "expected inproc://NAME"),
            ("", "expected inproc://NAME"),
            ("inproc://", "needs a name"),
            ("ipc://", "needs a socket path"),
            ("ipc:///" + String(repeating: "d", count: 120), "longer than the 100 bytes"),
            ("tcp://localhost", "tcp://HOST:PORT"),
            ("tcp://:5555", "tcp://HOST:PORT"),
            ("tcp://host:http", "tcp://HOST:PORT"),
            ("tcp://host:0", "tcp://HOST:PORT"),
            ("tcp://host:70000", "tcp://HOST:PORT"),
        ] {
            XCTAssertThrowsError(try BusEndpoint(text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
            }
        }
    }

    func testABoundTCPEndpointNamesThePortTheSystemChose() throws {
        let socket = try ZMQContext.shared.socket(.router)
        defer { socket.close() }
        let bound = try socket.bind(BusEndpoint("tcp://127.0.0.1:*"))
        XCTAssertEqual(bound.transport, .tcp)
        let port = try XCTUnwrap(bound.address.split(separator: ":").last.flatMap { UInt16($0) })
        XCTAssertGreaterThan(port, 0)
    }
}

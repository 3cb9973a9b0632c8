// The CURVE flags: which combinations make a client, a server, or a refusal that names the flag.
import Foundation
import LucidBus
import LucidService
import XCTest

final class CurveConfigurationTests: XCTestCase {
    private var folder: URL!
    private var pair: CurveKeyPair!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("curve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        pair = try CurveKeyPair.generate()
        try pair.write(secretFile: path("me.key_secret"), publicFile: path("me.key"))
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func testNoFlagsMeansNoCurveAndFlagsMakeAClientOrAServer() throws {
        let none = try CurveConfiguration.resolve(keyFile: nil, serverKey: nil, allow: nil, environment: [:])
        XCTAssertNil(none.client)
        XCTAssertNil(none.server)

        let client = try CurveConfiguration.resolve(
            keyFile: path("me.key_secret"), serverKey: path("me.key"), allow: nil, environment: [:])
        XCTAssertEqual(client.client, CurveClientKeys(keyPair: pair, serverKey: pair.publicKey))
        XCTAssertNil(client.server)

        let server = try CurveConfiguration.resolve(keyFile: nil, serverKey: nil, allow: nil, environment: [
            CurveEnvironment.keyFile: path("me.key_secret"), CurveEnvironment.allow: path("me.key"),
        ])
        XCTAssertEqual(server.server, CurveServerKeys(keyPair: pair, allowedClients: [pair.publicKey]))
        XCTAssertNil(server.client)
    }

    func testIncompleteOrContradictoryFlagsAreRefusedByName() throws {
        try "# nobody yet\n".write(toFile: path("empty"), atomically: true, encoding: .utf8)
        let cases: [(String?, String?, String?, String)] = [
            (path("me.key_secret"), nil, nil, "--curve-server-key"),
            (path("me.key_secret"), path("me.key"), path("me.key"), "not both"),
            (nil, path("me.key"), nil, "need --curve-key-file"),
            (path("me.key_secret"), nil, path("empty"), "lists no public key"),
            (path("missing"), path("me.key"), nil, "missing"),
        ]
        for (keyFile, serverKey, allow, message) in cases {
            XCTAssertThrowsError(try CurveConfiguration.resolve(
                keyFile: keyFile, serverKey: serverKey, allow: allow, environment: [:])) { error in
                XCTAssertTrue("\(error)".contains(message), "\"\(error)\" should contain \"\(message)\"")
            }
        }
    }
}

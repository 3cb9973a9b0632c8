// CURVE on tcp://: a broker with a server key pair and an allow-list serves workers and clients
// whose keys it knows, and refuses an unknown key and a client without CURVE; key files round-trip
// and a secret key file others may read is refused.

import Foundation
import LucidProto
import XCTest
@testable import LucidBus

final class CurveTests: XCTestCase {
    func testAKnownKeyIsServedAndAnUnknownKeyOrPlainTCPIsRefused() async throws {
        let server = try CurveKeyPair.generate()
        let known = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        // One context per side: the ZAP handler and CURVE client keys belong to a context.
        let brokerContext = try ZMQContext()
        let broker = try MajordomoBroker(
            endpoints: [TestEndpoint.tcp], context: brokerContext,
            configuration: .init(heartbeat: fastHeartbeat, curve: CurveServerKeys(keyPair: server, allowedClients: [known.publicKey])),
            logger: testLogger("broker"))
        let endpoint = broker.boundEndpoints[0]

        let knownContext = try ZMQContext()
        knownContext.curveClient = CurveClientKeys(keyPair: known, serverKey: server.publicKey)
        let worker = ServiceWorker(service: echoService, endpoint: endpoint, context: knownContext,
                                   configuration: .init(worker: .init(heartbeat: fastHeartbeat), workerID: "known"),
                                   logger: testLogger("worker"))
        worker.register(method: "Echo") { (request: Lucid_V1_Status, _) in request }
        try worker.start()
        let client = try RPCClient(endpoint: endpoint, context: knownContext, logger: testLogger("known"))
        let answer: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("hello"), deadline: .seconds(20))
        XCTAssertEqual(answer.message, "hello", "a known key is served")

        let strangerContext = try ZMQContext()
        strangerContext.curveClient = CurveClientKeys(keyPair: stranger, serverKey: server.publicKey)
        let refused = try RPCClient(endpoint: endpoint, context: strangerContext, logger: testLogger("stranger"))
        let strangerError = await rpcError {
            let _: Lucid_V1_Status = try await refused.call(service: echoService, method: "Echo", status("let me in"), deadline: .seconds(2))
        }
        XCTAssertEqual(strangerError?.code, .deadlineExceeded, "an unknown key never reaches the broker")

        let plain = try RPCClient(endpoint: endpoint, context: try ZMQContext(), logger: testLogger("plain"))
        let plainError = await rpcError {
            let _: Lucid_V1_Status = try await plain.call(service: echoService, method: "Echo", status("no keys"), deadline: .seconds(2))
        }
        XCTAssertEqual(plainError?.code, .deadlineExceeded, "a client without CURVE is refused")

        let again: Lucid_V1_Status = try await client.call(service: echoService, method: "Echo", status("still"), deadline: .seconds(20))
        XCTAssertEqual(again.message, "still", "the broker keeps serving known clients")
        for caller in [client, refused, plain] { await caller.shutdown() }
        await worker.shutdown()
        await broker.shutdown()
    }

    func testKeyFilesRoundTripAndASecretFileOthersCanReadIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("curve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pair = try CurveKeyPair.generate()
        let secret = folder.appendingPathComponent("gateway.key").path, shared = folder.appendingPathComponent("gateway.pub").path
        try pair.write(secretFile: secret, publicFile: shared)
        XCTAssertEqual(try CurveKeyPair.read(from: secret), pair)
        XCTAssertEqual(try CurveKeyPair.readPublicKey(from: shared), pair.publicKey)
        XCTAssertFalse(String(describing: pair).contains(pair.secretKey), "the secret key is never printed")

        let allowList = folder.appendingPathComponent("clients").path
        let other = try CurveKeyPair.generate()
        try "# sampler hosts\npublic-key = \"\(pair.publicKey)\"\n\(other.publicKey)\n".write(toFile: allowList, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CurveKeyPair.readPublicKeys(from: allowList), [pair.publicKey, other.publicKey])

        // A Z85 key may hold '=': a bare key like that is still a key, not a field.
        var withEquals = try CurveKeyPair.generate().publicKey
        while !withEquals.contains("=") { withEquals = try CurveKeyPair.generate().publicKey }
        try "\(withEquals)\n".write(toFile: allowList, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CurveKeyPair.readPublicKeys(from: allowList), [withEquals])

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret)
        XCTAssertThrowsError(try CurveKeyPair.read(from: secret)) { error in
            XCTAssertTrue("\(error)".contains("chmod 600"), "\(error)")
        }
        try "public-key = \"too short\"\n".write(toFile: allowList, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CurveKeyPair.readPublicKeys(from: allowList)) { error in
            XCTAssertTrue("\(error)".contains("40 characters of Z85"), "\(error)")
        }
    }
}

// The ZAP handler (ZeroMQ RFC 27) of a CURVE broker: libzmq asks it about every CURVE client that
// connects, and it lets in only the public keys of the allow-list.

import CZeroMQ
import Foundation
import Logging

/// Answers ZAP requests on `inproc://zeromq.zap.01` of one context, on its own thread: 200 for a
/// CURVE client whose public key is allowed, 400 otherwise (libzmq then closes the connection).
final class CurveAuthenticator: Sendable {  // its state lives on its loop's thread
    static let endpoint = BusEndpoint.inproc(named: "zeromq.zap.01")

    private let loop: SocketLoop

    /// Binds the context's ZAP endpoint (one per context) and starts answering.
    init(context: ZMQContext, allowed: Set<String>, logger: Logger) throws {
        let socket = try context.socket(.rep)
        do {
            try socket.bind(Self.endpoint)
        } catch {
            socket.close()
            throw error
        }
        loop = try SocketLoop(name: "lucid.bus.zap")
        loop.start(handler: ZAPHandler(socket: socket, allowed: allowed, logger: logger))
    }

    /// Stops answering and closes the socket; waits for the thread. Idempotent.
    func shutdown() async {
        loop.requestStop()
        await loop.waitUntilFinished()
    }

    deinit {
        loop.requestStop()
        loop.joinBlocking()
    }
}

private final class ZAPHandler: SocketLoopHandler {
    private let socket: ZMQSocket
    private let allowed: Set<String>
    private let logger: Logger

    init(socket: ZMQSocket, allowed: Set<String>, logger: Logger) {
        self.socket = socket
        self.allowed = allowed
        self.logger = logger
    }

    var pollSockets: [ZMQSocket] { [socket] }

    func socketReadable(at index: Int) {
        while let request = try? socket.receive(dontWait: true) {
            try? socket.send(answer(request), dontWait: true)
        }
    }

    /// ZAP request: version, request id, domain, address, identity, mechanism, credentials…
    private func answer(_ request: Frames) -> Frames {
        guard request.count >= 6, request[0] == Data("1.0".utf8) else {
            logger.warning("malformed ZAP request refused", metadata: ["frames": "\(request.count)"])
            return [Data("1.0".utf8), request.count > 1 ? request[1] : Data(), Data("500".utf8), Data("malformed request".utf8), Data(), Data()]
        }
        let mechanism = String(decoding: request[5], as: UTF8.self)
        let address = String(decoding: request[3], as: UTF8.self)
        var status = "400", text = "CURVE only"
        if mechanism == "CURVE", request.count >= 7, let key = Self.z85(request[6]) {
            if allowed.contains(key) {
                (status, text) = ("200", "OK")
            } else {
                text = "unknown client key"
                logger.warning("CURVE client refused: its key is not allowed", metadata: ["address": "\(address)", "public_key": "\(key)"])
            }
        }
        return [request[0], request[1], Data(status.utf8), Data(text.utf8), Data(), Data()]
    }

    /// A 32-byte public key as Z85 text.
    private static func z85(_ key: Data) -> String? {
        guard key.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        let encoded = key.withUnsafeBytes { bytes in
            zmq_z85_encode(&text, bytes.bindMemory(to: UInt8.self).baseAddress, 32)
        }
        return encoded == nil ? nil : text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func tick(now: ContinuousClock.Instant) -> ContinuousClock.Instant { now + .seconds(3600) }

    func loopWillExit() { socket.close() }
}

// The Majordomo 0.2 client API: sends REQUESTs to services through the broker and hands every
// PARTIAL and FINAL back to a callback. Requests may overlap on one socket; correlating replies is
// the caller's business (the RPC layer uses the request id in the reply envelope).

import Foundation
import Logging

/// A PARTIAL or FINAL reply from the broker.
public struct MajordomoReply: Sendable {
    /// The service that answered.
    public let service: String
    /// FINAL (true) or PARTIAL (false).
    public let isFinal: Bool
    /// The reply body (for LucidDrag RPC, one frame holding a lucid.v1.ReplyEnvelope).
    public let body: Frames
}

/// An MDP/0.2 client: one DEALER connected to a broker, owned by its own thread.
///
/// `onReply` runs on the client's socket thread and must return quickly.
///
/// Sendable because its engine, the one non-Sendable field, is used only on the loop's thread.
public final class MajordomoClient: @unchecked Sendable {
    private let loop: SocketLoop
    private let engine: ClientEngine

    /// Connects to the broker at `endpoint`.
    public init(
        endpoint: BusEndpoint,
        context: ZMQContext = .shared,
        logger: Logger = Logger(label: "lucid.bus.client"),
        onReply: @escaping @Sendable (MajordomoReply) -> Void
    ) throws {
        let socket = try context.socket(.dealer)
        try socket.connect(endpoint)
        engine = ClientEngine(socket: socket, logger: logger, onReply: onReply)
        loop = try SocketLoop(name: "lucid.bus.client")
        loop.start(handler: engine)
    }

    /// Sends a REQUEST for `service` with `body`. Thread-safe, non-blocking.
    public func send(service: String, body: Frames) {
        loop.post { [engine] in engine.send(MajordomoProtocol.clientRequest(service: service, body: body)) }
    }

    /// Closes the socket and waits for the client thread to finish. Idempotent.
    public func shutdown() async {
        loop.requestStop()
        await loop.waitUntilFinished()
    }

    deinit {
        loop.requestStop()
        loop.joinBlocking()
    }
}

/// The client's socket-thread state.
final class ClientEngine: SocketLoopHandler {
    private let socket: ZMQSocket
    private let logger: Logger
    private let onReply: @Sendable (MajordomoReply) -> Void

    init(socket: ZMQSocket, logger: Logger, onReply: @escaping @Sendable (MajordomoReply) -> Void) {
        self.socket = socket
        self.logger = logger
        self.onReply = onReply
    }

    var pollSockets: [ZMQSocket] { [socket] }

    func send(_ frames: Frames) {
        do { try socket.send(frames, dontWait: true) } catch {
            logger.warning("request not sent", metadata: ["error": "\(error)"])
        }
    }

    func socketReadable(at index: Int) {
        for _ in 0..<256 {
            let frames: Frames?
            do { frames = try socket.receive(dontWait: true) } catch {
                logger.error("client receive failed", metadata: ["error": "\(error)"])
                return
            }
            guard let frames else { return }
            typealias Command = MajordomoProtocol.ClientCommand
            guard frames.count >= 4, frames[0] == MajordomoProtocol.clientHeader,
                  let byte = MajordomoProtocol.commandByte(frames[1]),
                  let command = Command(rawValue: byte), command != .request,
                  let service = String(utf8Frame: frames[2]) else {
                logger.warning("malformed message from broker dropped", metadata: ["frames": "\(frames.count)"])
                continue
            }
            onReply(MajordomoReply(service: service, isFinal: command == .final, body: Array(frames[3...])))
        }
    }

    func tick(now: ContinuousClock.Instant) -> ContinuousClock.Instant { now + .seconds(3600) }

    func loopWillExit() { socket.close() }
}

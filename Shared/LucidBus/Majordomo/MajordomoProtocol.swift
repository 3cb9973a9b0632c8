// The Majordomo Protocol 0.2 wire format (ZeroMQ RFC 18, https://rfc.zeromq.org/spec/18/):
// protocol headers, command bytes and the frame layouts of each command, exactly as the RFC gives
// them, so that any MDP/0.2 client or worker interoperates with LucidBus.
//
// MDP/Client (DEALER ↔ broker ROUTER):
//   REQUEST  "MDPC02", 0x01, service, body…
//   PARTIAL  "MDPC02", 0x02, service, body…
//   FINAL    "MDPC02", 0x03, service, body…
// MDP/Worker (DEALER ↔ broker ROUTER):
//   READY      "MDPW02", 0x01, service
//   REQUEST    "MDPW02", 0x02, client address, "", body…
//   PARTIAL    "MDPW02", 0x03, client address, "", body…
//   FINAL      "MDPW02", 0x04, client address, "", body…
//   HEARTBEAT  "MDPW02", 0x05
//   DISCONNECT "MDPW02", 0x06

import Foundation

/// Constants and frame builders of MDP/0.2.
public enum MajordomoProtocol {
    /// Frame 0 of every client-side message: "MDPC02".
    public static let clientHeader = Data("MDPC02".utf8)
    /// Frame 0 of every worker-side message: "MDPW02".
    public static let workerHeader = Data("MDPW02".utf8)

    /// MDP/Client command bytes.
    public enum ClientCommand: UInt8, Sendable {
        case request = 0x01
        case partial = 0x02
        case final = 0x03

        var frame: Data { Data([rawValue]) }
    }

    /// MDP/Worker command bytes.
    public enum WorkerCommand: UInt8, Sendable {
        case ready = 0x01
        case request = 0x02
        case partial = 0x03
        case final = 0x04
        case heartbeat = 0x05
        case disconnect = 0x06

        var frame: Data { Data([rawValue]) }
    }

    /// The command byte of `frame`, when it is exactly one byte long.
    static func commandByte(_ frame: Data) -> UInt8? {
        frame.count == 1 ? frame.first : nil
    }

    /// A client REQUEST (as sent by a DEALER).
    public static func clientRequest(service: String, body: Frames) -> Frames {
        [clientHeader, ClientCommand.request.frame, Data(service.utf8)] + body
    }

    /// A worker READY for `service`.
    public static func workerReady(service: String) -> Frames {
        [workerHeader, WorkerCommand.ready.frame, Data(service.utf8)]
    }

    /// A worker PARTIAL or FINAL reply for the client at `clientAddress`.
    public static func workerReply(final: Bool, clientAddress: Data, body: Frames) -> Frames {
        [workerHeader, (final ? WorkerCommand.final : WorkerCommand.partial).frame, clientAddress, Data()] + body
    }

    /// A worker-side command without arguments (HEARTBEAT, DISCONNECT).
    public static func workerSignal(_ command: WorkerCommand) -> Frames {
        [workerHeader, command.frame]
    }
}

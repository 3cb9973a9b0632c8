// What the broker reads from a request body: the lucid.v1.RequestEnvelope fields it acts on
// (request id, deadline, cancel), read straight off the protobuf wire without decoding (or
// copying) the payload. Bodies that are not an envelope are routed as opaque MDP.

import Foundation

/// The envelope fields the broker needs; empty for bodies that are not one RequestEnvelope.
struct RequestMetadata {
    var requestID = ""
    /// Unix milliseconds; 0 = none.
    var deadlineUnixMilliseconds: Int64 = 0
    var isCancel = false

    /// Field numbers in lucid/v1/rpc.proto.
    private enum Field {
        static let requestID: UInt64 = 2
        static let deadline: UInt64 = 4
        static let cancel: UInt64 = 6
    }

    init(body: Frames) {
        guard body.count == 1, let parsed = Self.scan(body[0]) else { return }
        self = parsed
    }

    private init() {}

    /// The deadline on the monotonic clock, if the envelope has one.
    func deadline(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard deadlineUnixMilliseconds > 0 else { return nil }
        let remaining = deadlineUnixMilliseconds - Int64(Date().timeIntervalSince1970 * 1000)
        return now + .milliseconds(remaining)
    }

    /// Walks the top-level fields of a protobuf message; nil when `bytes` is not valid wire format.
    private static func scan(_ bytes: Data) -> RequestMetadata? {
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> RequestMetadata? in
            var reader = WireReader(raw)
            var metadata = RequestMetadata()
            while !reader.atEnd {
                guard let key = reader.varint() else { return nil }
                let field = key >> 3
                switch key & 7 {
                case 0:
                    guard let value = reader.varint() else { return nil }
                    if field == Field.deadline { metadata.deadlineUnixMilliseconds = Int64(bitPattern: value) }
                    if field == Field.cancel { metadata.isCancel = value != 0 }
                case 1:
                    guard reader.skip(8) else { return nil }
                case 2:
                    guard let length = reader.varint(), let slice = reader.take(length) else { return nil }
                    if field == Field.requestID {
                        guard let text = String(validating: slice, as: UTF8.self) else { return nil }
                        metadata.requestID = text
                    }
                case 5:
                    guard reader.skip(4) else { return nil }
                default:
                    return nil  // groups (3, 4) and invalid wire types
                }
            }
            return metadata
        }
    }
}

/// A cursor over protobuf wire bytes.
private struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var atEnd: Bool { offset >= bytes.count }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard offset < bytes.count else { return nil }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        return nil
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count <= bytes.count - offset else { return false }
        offset += count
        return true
    }

    mutating func take(_ count: UInt64) -> UnsafeRawBufferPointer? {
        guard count <= UInt64(bytes.count - offset) else { return nil }
        let start = offset
        offset += Int(count)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
    }
}

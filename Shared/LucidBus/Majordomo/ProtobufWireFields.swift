// Reading a few top-level fields of a protobuf message straight off the wire, without decoding (or
// copying) the rest: the broker's view of the lucid.v1 envelopes it routes.

import Foundation

/// The scalar top-level fields of a protobuf message: every varint field's last value, and the
/// UTF-8 text of the length-delimited fields asked for. Nil when the bytes are not wire format.
struct ProtobufWireFields {
    private(set) var varints: [UInt64: UInt64] = [:]
    private(set) var strings: [UInt64: String] = [:]

    init?(_ bytes: Data, stringFields: Set<UInt64>) {
        let parsed = bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> ProtobufWireFields? in
            var reader = WireReader(raw)
            var fields = ProtobufWireFields()
            while !reader.atEnd {
                guard let key = reader.varint() else { return nil }
                let number = key >> 3
                switch key & 7 {
                case 0:
                    guard let value = reader.varint() else { return nil }
                    fields.varints[number] = value
                case 1:
                    guard reader.skip(8) else { return nil }
                case 2:
                    guard let length = reader.varint(), let slice = reader.take(length) else { return nil }
                    if stringFields.contains(number) {
                        guard let text = String(validating: slice, as: UTF8.self) else { return nil }
                        fields.strings[number] = text
                    }
                case 5:
                    guard reader.skip(4) else { return nil }
                default:
                    return nil  // groups (3, 4) and invalid wire types
                }
            }
            return fields
        }
        guard let parsed else { return nil }
        self = parsed
    }

    private init() {}
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

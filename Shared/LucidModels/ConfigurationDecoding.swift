/// Decoding helpers shared by the `config.json` types: fields absent from the file keep the type's
/// SD-1.5 default, and a field that diffusers lets be "one value or one per block" decodes either way.

extension KeyedDecodingContainer {
    /// Overwrites `field` with the value at `key` when the file has a non-null one.
    func update<T: Decodable>(_ field: inout T, _ key: Key) throws {
        if let value = try decodeIfPresent(T.self, forKey: key) { field = value }
    }

    /// Overwrites an optional `field` with the value at `key` when present (null keeps nil).
    func update<T: Decodable>(_ field: inout T?, _ key: Key) throws {
        if let value = try decodeIfPresent(T.self, forKey: key) { field = value }
    }
}

/// A configuration value given once for all blocks or once per block (diffusers accepts both for
/// e.g. `attention_head_dim` and `transformer_layers_per_block`).
public enum PerBlock<Value: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    case all(Value)
    case each([Value])

    /// The value for block `index` (the last one when the list is shorter).
    public func value(forBlock index: Int) -> Value? {
        switch self {
        case .all(let value): return value
        case .each(let values): return values.isEmpty ? nil : values[Swift.min(index, values.count - 1)]
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Value.self) {
            self = .all(value)
        } else {
            self = .each(try container.decode([Value].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .all(let value): try container.encode(value)
        case .each(let values): try container.encode(values)
        }
    }
}

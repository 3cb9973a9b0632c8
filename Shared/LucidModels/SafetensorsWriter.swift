/// Writing named tensors to a `.safetensors` file (F32, F16 or BF16), e.g. to save a model built
/// with random weights or to make test inputs.
import Foundation
import LucidTensor

/// Writes tensors in the safetensors format.
public enum SafetensorsWriter {
    /// The element types the writer can store.
    public enum StorageType: String, Sendable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"
    }

    /// The complete file contents for `tensors` (names must be unique), stored as `dtype`.
    public static func encode(
        _ tensors: [(name: String, tensor: Tensor)], dtype: StorageType = .f32, metadata: [String: String] = [:]
    ) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        let elementSize = dtype == .f32 ? 4 : 2
        var offset = 0
        for (name, tensor) in tensors {
            let size = tensor.count * elementSize
            header[name] = ["dtype": dtype.rawValue, "shape": tensor.shape, "data_offsets": [offset, offset + size]]
            offset += size
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for (_, tensor) in tensors {
            tensor.withUnsafeBufferPointer { values in
                switch dtype {
                case .f32:
                    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                case .f16:
                    for v in values { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                case .bf16:
                    for v in values { withUnsafeBytes(of: bfloat16Bits(v).littleEndian) { data.append(contentsOf: $0) } }
                }
            }
        }
        return data
    }

    /// Writes `tensors` to `path`.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], to path: String, dtype: StorageType = .f32,
        metadata: [String: String] = [:]
    ) throws {
        let data = try encode(tensors, dtype: dtype, metadata: metadata)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SafetensorsError.cannotWrite(file: path, reason: error.localizedDescription)
        }
    }
}

/// The bfloat16 bit pattern of `value`, rounded to nearest even (NaN kept a NaN).
private func bfloat16Bits(_ value: Float) -> UInt16 {
    if value.isNaN { return 0x7FC0 }
    let bits = value.bitPattern
    let rounding = 0x7FFF + ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
}

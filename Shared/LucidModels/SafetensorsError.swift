/// Errors reading or writing `.safetensors` files, each naming the file and, where one is at fault,
/// the tensor.

/// A `.safetensors` file could not be read or written.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    /// The file does not exist or cannot be opened / mapped.
    case cannotOpen(file: String, reason: String)
    /// The file is shorter than its 8-byte header length or than the header it announces.
    case truncated(file: String, detail: String)
    /// The JSON header is not valid or does not describe tensors the way the format requires.
    case corruptHeader(file: String, detail: String)
    /// A tensor's byte range lies outside the data section or does not match its shape and dtype.
    case offsetsOutOfRange(file: String, tensor: String, detail: String)
    /// A tensor's dtype is not one this reader converts to Float32 (F32, F16, BF16).
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// No tensor of that name is in the file.
    case missingTensor(file: String, tensor: String)
    /// The file could not be written.
    case cannotWrite(file: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): return "\(file): cannot open: \(reason)"
        case .truncated(let file, let detail): return "\(file): truncated safetensors file: \(detail)"
        case .corruptHeader(let file, let detail): return "\(file): corrupt safetensors header: \(detail)"
        case .offsetsOutOfRange(let file, let tensor, let detail):
            return "\(file): tensor '\(tensor)': data offsets out of range: \(detail)"
        case .unsupportedDType(let file, let tensor, let dtype):
            return "\(file): tensor '\(tensor)': unsupported dtype \(dtype) (F32, F16 and BF16 are supported)"
        case .missingTensor(let file, let tensor): return "\(file): no tensor named '\(tensor)'"
        case .cannotWrite(let file, let reason): return "\(file): cannot write: \(reason)"
        }
    }
}

/// A memory-mapped `.safetensors` file (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}, "__metadata__": …}`,
/// then the raw tensor bytes. Tensors are decoded to Float32 on request (F32, F16, BF16).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LucidTensor

/// The element types a safetensors file may declare, with their sizes in bytes.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8, .u8, .bool: return 1
        }
    }
}

/// One tensor's entry in the header.
public struct SafetensorsEntry: Sendable, Equatable {
    /// The declared dtype (as written in the file).
    public let dtype: String
    /// Dimensions, outermost first.
    public let shape: [Int]
    /// Byte range relative to the start of the data section.
    public let byteRange: Range<Int>
}

/// A read-only, memory-mapped safetensors file. Opening validates the whole header (every range lies
/// inside the data section and matches its shape); tensor data is read only when asked for.
///
/// Sendable because nothing in it changes after opening, and the mapping is read-only.
public final class SafetensorsFile: WeightSource, @unchecked Sendable {
    /// The path the file was opened from (used in error messages).
    public let path: String
    /// Header entries by tensor name.
    public let entries: [String: SafetensorsEntry]
    /// The free-form `__metadata__` strings of the header.
    public let metadata: [String: String]

    private let mapping: UnsafeRawPointer
    private let mappedLength: Int
    private let dataOffset: Int

    /// Opens and maps `path`, validating its header.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SafetensorsError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SafetensorsError.cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        let length = Int(info.st_size)
        guard length >= 8 else {
            throw SafetensorsError.truncated(file: path, detail: "\(length) bytes, shorter than the 8-byte header length")
        }
        guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw SafetensorsError.cannotOpen(file: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        let raw = UnsafeRawPointer(base)
        do {
            let headerLength = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            guard headerLength <= UInt64(length - 8) else {
                throw SafetensorsError.truncated(
                    file: path, detail: "header announces \(headerLength) bytes but only \(length - 8) follow")
            }
            let header = Data(bytes: raw + 8, count: Int(headerLength))
            (entries, metadata) = try SafetensorsFile.parseHeader(header, dataLength: length - 8 - Int(headerLength), file: path)
            dataOffset = 8 + Int(headerLength)
        } catch {
            munmap(base, length)
            throw error
        }
        mapping = raw
        mappedLength = length
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: mapping), mappedLength)
    }

    /// The file name shown in errors.
    public var name: String { path }

    /// Every tensor name, sorted.
    public var tensorNames: [String] { entries.keys.sorted() }

    /// The shape of `name`, or nil when the file has no such tensor.
    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    /// Decodes `name` to a Float32 tensor.
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else { throw SafetensorsError.missingTensor(file: path, tensor: name) }
        let source = mapping + dataOffset + entry.byteRange.lowerBound
        switch SafetensorsDType(rawValue: entry.dtype) {
        case .f32:
            return Tensor(shape: entry.shape) { out in
                guard let dst = out.baseAddress, !out.isEmpty else { return }
                UnsafeMutableRawPointer(dst).copyMemory(from: source, byteCount: out.count * 4)
            }
        case .f16:
            return Tensor(shape: entry.shape) { out in
                for i in 0..<out.count {
                    let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Float(Float16(bitPattern: bits))
                }
            }
        case .bf16:
            return Tensor(shape: entry.shape) { out in
                for i in 0..<out.count {
                    let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            }
        default:
            throw SafetensorsError.unsupportedDType(file: path, tensor: name, dtype: entry.dtype)
        }
    }

    /// Parses and validates the JSON header against a data section of `dataLength` bytes.
    private static func parseHeader(
        _ header: Data, dataLength: Int, file: String
    ) throws -> ([String: SafetensorsEntry], [String: String]) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: header)
        } catch {
            throw SafetensorsError.corruptHeader(file: file, detail: "not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else {
            throw SafetensorsError.corruptHeader(file: file, detail: "the header is not a JSON object")
        }
        var entries: [String: SafetensorsEntry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in root {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else {
                    throw SafetensorsError.corruptHeader(file: file, detail: "__metadata__ must map strings to strings")
                }
                metadata = strings
                continue
            }
            guard let fields = value as? [String: Any],
                  let dtype = fields["dtype"] as? String,
                  let shape = (fields["shape"] as? [Any])?.compactMap(exactInt),
                  shape.count == (fields["shape"] as? [Any])?.count,
                  let offsets = (fields["data_offsets"] as? [Any])?.compactMap(exactInt),
                  offsets.count == 2
            else {
                throw SafetensorsError.corruptHeader(
                    file: file, detail: "tensor '\(name)' lacks a string dtype, an integer shape or two data_offsets")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw SafetensorsError.corruptHeader(file: file, detail: "tensor '\(name)' has a negative dimension \(shape)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataLength else {
                throw SafetensorsError.offsetsOutOfRange(
                    file: file, tensor: name, detail: "[\(begin), \(end)) is outside the \(dataLength)-byte data section")
            }
            if let known = SafetensorsDType(rawValue: dtype) {
                guard byteCount(shape, elementSize: known.size) == end - begin else {
                    throw SafetensorsError.offsetsOutOfRange(
                        file: file, tensor: name,
                        detail: "\(end - begin) bytes for shape \(shape) of \(dtype) (\(known.size) bytes each)")
                }
            }
            entries[name] = SafetensorsEntry(dtype: dtype, shape: shape, byteRange: begin..<end)
        }
        return (entries, metadata)
    }
}

/// The byte size of a tensor, or nil when it overflows `Int`.
private func byteCount(_ shape: [Int], elementSize: Int) -> Int? {
    var product = elementSize
    for d in shape {
        let (p, overflow) = product.multipliedReportingOverflow(by: d)
        if overflow { return nil }
        product = p
    }
    return product
}

/// An `Int` from a JSON number that is an exact integer (not a fraction, not a boolean).
private func exactInt(_ value: Any) -> Int? {
    guard let number = value as? NSNumber else { return nil }
    let double = number.doubleValue
    guard double.rounded() == double, abs(double) < 9.0e15 else { return nil }
    return number.intValue
}

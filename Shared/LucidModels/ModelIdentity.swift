/// `ModelIdentity`: the name of the weights a model service serves, "<folder name>@<16 hex digits>",
/// reported in `lucid.v1.HealthResponse.model` and `ScoreResponse.model` so that a caller can tell
/// which weights answered. The digits are a 64-bit FNV-1a hash (Fowler–Noll–Vo), cheap enough to
/// compute at every start (0.2 s for the 18 MB demo model in a debug build).
import Foundation

/// The identity of the weights in a model folder.
///
/// The hash runs over every `*.safetensors` file under the folder (at any depth), in the byte order
/// of their relative paths; for each file it takes the UTF-8 bytes of its relative path (e.g.
/// `unet/diffusion_pytorch_model.safetensors`), then the file's bytes. Configuration files, the
/// tokenizer and the folder's location do not count: the same weights copied elsewhere keep their
/// identity, and changing one byte of one weight changes it.
public struct ModelIdentity: Equatable, Sendable, CustomStringConvertible {
    /// The folder's last path component, e.g. "demo-world".
    public let folderName: String
    /// The 64-bit FNV-1a hash of the weights.
    public let digest: UInt64

    /// Hashes the weights under `folder`.
    /// - Throws: `ModelIdentityError` when the folder is missing, holds no safetensors file, or a
    ///   file cannot be read.
    public init(folder: URL) throws {
        let root = folder.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelIdentityError.notAFolder(path: root.path)
        }
        let files = Self.weightFiles(under: root)
        guard !files.isEmpty else { throw ModelIdentityError.noWeights(folder: root.path) }
        var hash = FNV1a()
        for relativePath in files {
            let url = root.appendingPathComponent(relativePath)
            let bytes: Data
            do {
                bytes = try Data(contentsOf: url, options: .alwaysMapped)
            } catch {
                throw ModelIdentityError.unreadable(path: url.path, reason: error.localizedDescription)
            }
            hash.add(Data(relativePath.utf8))
            hash.add(bytes)
        }
        folderName = root.lastPathComponent
        digest = hash.value
    }

    /// "<folder name>@<16 lowercase hex digits>", e.g. "demo-world@3f1c0a9e5b7d2468".
    public var description: String {
        let hex = String(digest, radix: 16)
        return "\(folderName)@\(String(repeating: "0", count: 16 - hex.count))\(hex)"
    }

    /// The relative paths of the `*.safetensors` files under `root`, in byte order.
    private static func weightFiles(under root: URL) -> [String] {
        let all = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".safetensors") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// Why a folder's weights could not be identified.
public enum ModelIdentityError: Error, CustomStringConvertible, Equatable {
    /// The path does not exist or is not a directory.
    case notAFolder(path: String)
    /// No `*.safetensors` file at any depth under the folder.
    case noWeights(folder: String)
    /// A weights file could not be read.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAFolder(let path): return "\(path): not a model folder (no such directory)"
        case .noWeights(let folder): return "\(folder): no *.safetensors weights in the model folder"
        case .unreadable(let path, let reason): return "\(path): cannot read weights: \(reason)"
        }
    }
}

/// 64-bit FNV-1a: for each byte, `hash = (hash XOR byte) × 0x100000001b3`, from `0xcbf29ce484222325`.
private struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: Data) {
        var hash = value
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for byte in raw { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        value = hash
    }
}

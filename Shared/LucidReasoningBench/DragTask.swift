/// DragTask: one demo-world drag task folder (task.json, input.png, mask.png), in the format the world
/// and reasoner share (Benchmarks/data/drag-dev/README.md).
import Foundation
import LucidImage
import LucidProto
import LucidReasoning

/// A drag task with its intended and acceptable kinds.
public struct DragTask: Sendable {
    public let id: String
    public let input: ReasoningInput
    public let intended: Lucid_V1_IntentionKind
    /// Every acceptable kind, intended first.
    public let acceptable: [Lucid_V1_IntentionKind]
    /// The dragged object as the generator made it: shape, colour, size word.
    public let object: (shape: String, colour: String, size: String)
    /// The exact drag its user meant, for a task drawn by hand (`tools.demoworld.tasks --jitter`):
    /// `intended_pairs`, one per pair of `input`; nil for an exact task.
    public let intendedPairs: [DragPair]?

    public var isAmbiguous: Bool { acceptable.count > 1 }

    private struct File: Decodable {
        struct Pair: Decodable { let handle: [Double]; let target: [Double] }
        struct Acceptable: Decodable { let kind: String }
        struct Object: Decodable { let shape: String; let color: String; let size_word: String }
        let id: String
        let caption: String?
        let pairs: [Pair]
        let intended_pairs: [Pair]?
        let intended_kind: String
        let acceptable: [Acceptable]
        let object: Object
    }

    /// Loads the task in `folder`.
    public init(folder: URL) throws {
        let data = try Data(contentsOf: folder.appendingPathComponent("task.json"))
        let file = try JSONDecoder().decode(File.self, from: data)
        guard let intended = Lucid_V1_IntentionKind(wireName: file.intended_kind) else {
            throw DragTaskError.malformed(folder.lastPathComponent, "unknown intended kind \(file.intended_kind)")
        }
        let acceptable = try file.acceptable.map { entry -> Lucid_V1_IntentionKind in
            guard let kind = Lucid_V1_IntentionKind(wireName: entry.kind) else {
                throw DragTaskError.malformed(folder.lastPathComponent, "unknown kind \(entry.kind)")
            }
            return kind
        }
        let image = try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent("input.png"))).toRGB()
        let maskImage = try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent("mask.png")), alpha: .discard)
        func dragPairs(_ pairs: [File.Pair], field: String) throws -> [DragPair] {
            try pairs.map { pair in
                guard pair.handle.count == 2, pair.target.count == 2 else {
                    throw DragTaskError.malformed(folder.lastPathComponent, "a pair of \(field) needs [x, y] handle and target")
                }
                return DragPair(handle: PixelPoint(x: pair.handle[0], y: pair.handle[1]), target: PixelPoint(x: pair.target[0], y: pair.target[1]))
            }
        }
        let pairs = try dragPairs(file.pairs, field: "pairs")
        let intendedPairs = try file.intended_pairs.map { try dragPairs($0, field: "intended_pairs") }
        if let intendedPairs, intendedPairs.count != pairs.count {
            throw DragTaskError.malformed(folder.lastPathComponent, "intended_pairs must hold one pair per pair of pairs")
        }
        self.id = file.id
        self.input = try ReasoningInput(image: image, mask: BinaryMask(nonZeroIn: maskImage), pairs: pairs, caption: file.caption ?? "")
        self.intended = intended
        self.acceptable = acceptable.isEmpty ? [intended] : acceptable
        self.object = (file.object.shape, file.object.color, file.object.size_word)
        self.intendedPairs = intendedPairs
    }

    /// Every task folder (a folder holding task.json) directly under `directory`, sorted by name.
    public static func loadAll(from directory: URL) throws -> [DragTask] {
        try folders(in: directory).map { try DragTask(folder: $0) }
    }

    /// The task folders (folders holding task.json) directly under `directory`, sorted by name.
    public static func folders(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .map { directory.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("task.json").path) }
    }
}

/// A task folder that cannot be read.
public enum DragTaskError: Error, CustomStringConvertible {
    case malformed(String, String)

    public var description: String {
        switch self {
        case .malformed(let task, let reason): return "\(task): \(reason)"
        }
    }
}

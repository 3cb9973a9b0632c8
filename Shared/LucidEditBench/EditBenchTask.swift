/// One task of the edit benchmark: a demo-world drag task folder (Benchmarks/data/drag-dev format)
/// read as the reasoner benchmark reads it, plus the ground truth of its intended kind.
import Foundation
import LucidImage
import LucidProto
import LucidReasoning
import LucidReasoningBench

/// A drag task with the picture and prompts of its right answers.
public struct EditBenchTask: Sendable {
    /// The task folder (the ground-truth scorer reads it too).
    public let folder: URL
    /// The task as the reasoner benchmark reads it: input image, mask, pairs, caption, kinds.
    public let drag: DragTask
    /// The ground-truth result of the intended kind (`acceptable[0]`).
    public let truth: RasterImage
    /// The caption after the intended edit (the ground-truth intention's target prompt).
    public let captionAfter: String
    /// The drag the scores measure against: the exact `intended_pairs` of a task drawn with jitter
    /// (`tools.demoworld.tasks --jitter`), else the drawn pairs.
    public var scoredPairs: [DragPair] { drag.intendedPairs ?? drag.input.pairs }

    private struct File: Decodable {
        struct Acceptable: Decodable { let result: String; let caption_after: String }
        let acceptable: [Acceptable]
    }

    /// Loads the task in `folder`.
    public init(folder: URL) throws {
        let drag = try DragTask(folder: folder)
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: folder.appendingPathComponent("task.json")))
        guard let intended = file.acceptable.first else {
            throw DragTaskError.malformed(folder.lastPathComponent, "no acceptable result to compare with")
        }
        self.folder = folder
        self.drag = drag
        truth = try PNGCodec.decode(Data(contentsOf: folder.appendingPathComponent(intended.result))).toRGB()
        captionAfter = intended.caption_after
    }

    /// The task's id, e.g. "task-0001".
    public var id: String { drag.id }

    /// The first `limit` task folders (all when nil) directly under `directory`, sorted by name.
    public static func loadAll(from directory: URL, limit: Int? = nil) throws -> [EditBenchTask] {
        let folders = try DragTask.folders(in: directory)
        return try folders.prefix(limit ?? folders.count).map { try EditBenchTask(folder: $0) }
    }
}

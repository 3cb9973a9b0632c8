// `luciddrag demo`: the main job of the quick start — every service started in this process, one drag
// task of the dev set edited three ways with live progress, the contact sheet written, the time measured.
import ArgumentParser
import Foundation
import LucidImage
import LucidProto
import LucidReasoning
import LucidReasoningBench
import LucidService

/// Edits one demo-world drag task through the embedded services and writes its contact sheet.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Edit one dev-set drag three ways with every service in this process, and write the contact sheet.")

    /// The intentions the demo edits.
    private static let intentions = 3

    /// The default task, whose drag reads as enlarge, move or stretch: three visibly different edits.
    private static let defaultTask = "Benchmarks/data/drag-dev/task-0032"

    @Option(help: "A drag task folder (task.json, input.png, mask.png). Default: \(defaultTask) of the repository.")
    var task: String?

    @OptionGroup var options: EditOptions

    func run() async throws {
        let started = ContinuousClock.now
        let folder = try taskFolder()
        let dragTask: DragTask
        do {
            dragTask = try DragTask(folder: folder)
        } catch {
            throw InputError(description: "cannot read the drag task in \(folder.path): \(error)")
        }
        let pairs = dragTask.input.pairs.map { drag -> Lucid_V1_PointPair in
            var pair = Lucid_V1_PointPair()
            pair.handle.x = Float(drag.handle.x)
            pair.handle.y = Float(drag.handle.y)
            pair.target.x = Float(drag.target.x)
            pair.target.y = Float(drag.target.y)
            return pair
        }
        let inputs = try EditInputs(
            imagePath: folder.appendingPathComponent("input.png").path, maskPath: folder.appendingPathComponent("mask.png").path,
            pairs: pairs, caption: dragTask.input.caption)
        print("\(dragTask.id): \"\(dragTask.input.caption)\"; "
              + pairs.map { String(format: "drag (%.1f, %.1f) → (%.1f, %.1f)", $0.handle.x, $0.handle.y, $0.target.x, $0.target.y) }
                  .joined(separator: ", ")
              + "; the world accepts \(dragTask.acceptable.map(\.wireName).joined(separator: ", "))")
        fflush(nil)

        let session = options.session(
            inputs: inputs, intentions: Self.intentions, defaultOutput: EditOutput(directory: URL(fileURLWithPath: "out/demo")))
        try await session.runEmbedded(model: try options.model.folder(), label: "demo")
        print(String(format: "demo finished in %.1f s (services started, %d edits, services stopped); the sheet is %@",
                     started.duration(to: .now).seconds, Self.intentions, session.output.sheet.path))
    }
}

extension DemoCommand {
    /// `--task`, else the default task found in the working directory or above the executable.
    private func taskFolder() throws -> URL {
        if let task { return URL(fileURLWithPath: task) }
        guard let folder = ModelLocation.shipped(Self.defaultTask, holding: "task.json") else {
            throw ValidationError("no --task given and \(Self.defaultTask) is not in the working directory or above the executable")
        }
        return folder
    }
}

/// Access to the engine fixtures (Tests/Fixtures/engine, written by make_fixtures.py), the shipped
/// demo model with its goldens, and the parity metric the tests use.
import Foundation
import LucidModels
import LucidTensor

/// Paths of the committed engine fixtures.
enum Fixtures {
    /// Tests/Fixtures/engine.
    static let engine = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/engine")

    /// The tiny Stable Diffusion diffusers folder.
    static let tinySD = engine.appendingPathComponent("tiny-sd")

    /// The demo model the repository ships (Models/demo-world).
    static let demoModel = engine.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/demo-world")

    /// The demo model's goldens (Tests/Fixtures/demo-model, written by make_goldens.py).
    static func demoGolden() throws -> SafetensorsFile {
        try SafetensorsFile(path: engine.deletingLastPathComponent().appendingPathComponent("demo-model/golden.safetensors").path)
    }

    /// A golden tensor file, e.g. `golden("unet_forward")`.
    static func golden(_ name: String) throws -> SafetensorsFile {
        try SafetensorsFile(path: engine.appendingPathComponent("golden/\(name).safetensors").path)
    }

    /// A fresh empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lucid-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

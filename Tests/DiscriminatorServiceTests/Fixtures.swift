/// The shipped demo model, its PyTorch goldens (Tests/Fixtures/demo-model, written by
/// make_goldens.py) and the parity metric, for the discriminator service's tests.
import Foundation
import LucidModels

enum Fixtures {
    /// The repository root.
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The demo model the repository ships (Models/demo-world).
    static let demoModel = repository.appendingPathComponent("Models/demo-world")

    /// The demo model's goldens.
    static func demoGolden() throws -> SafetensorsFile {
        try SafetensorsFile(path: repository.appendingPathComponent("Tests/Fixtures/demo-model/golden.safetensors").path)
    }
}

/// The parity metric: max |actual − expected| / max |expected| (infinite when the counts differ).
func relativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    guard actual.count == expected.count else { return .infinity }
    let difference = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
    let reference = expected.map(abs).max() ?? 0
    return reference > 0 ? difference / reference : difference
}

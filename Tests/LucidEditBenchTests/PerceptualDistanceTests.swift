/// The LPIPS-like distance on the demo model's VAE encoder: zero for the same picture, symmetric,
/// and ordered as a person would order a dev task's pictures against its ground truth.
import Foundation
import LucidEditBench
import LucidEditing
import LucidImage
import XCTest

final class PerceptualDistanceTests: XCTestCase {
    func testItIsZeroForTheSamePictureSymmetricAndOrdersNearAndFarPictures() throws {
        let root = QuickEditBenchTests.root
        let model = try EditingModel(folder: root.appendingPathComponent("Models/demo-world"))
        let metric = PerceptualDistance(model: model)
        let task = root.appendingPathComponent("Benchmarks/data/drag-large-dev/task-0001")
        let truth = try PNGCodec.decode(Data(contentsOf: task.appendingPathComponent("gt-move.png")))
        let input = try PNGCodec.decode(Data(contentsOf: task.appendingPathComponent("input.png")))
        // The ground truth with a little pixel noise (±4 of 255, fixed pattern).
        var noisy = truth
        for i in noisy.pixels.indices { noisy.pixels[i] = UInt8(clamping: Int(noisy.pixels[i]) + (i * 7919 % 9) - 4) }
        let grey = try RasterImage(width: truth.width, height: truth.height, format: truth.format,
                                   fill: Array(repeating: 128, count: truth.channels))

        let t = try metric.features(truth), i = try metric.features(input)
        let toNoisy = try metric.distance(t, metric.features(noisy))
        let toInput = try metric.distance(t, i)
        let toGrey = try metric.distance(t, metric.features(grey))

        XCTAssertEqual(try metric.distance(t, t), 0, accuracy: 1e-9)
        XCTAssertEqual(try metric.distance(i, t), toInput, accuracy: 1e-6 * toInput)
        XCTAssertGreaterThan(toNoisy, 0)
        XCTAssertLessThan(toNoisy, toInput, "faint noise is nearer the truth than the object in its old place")
        XCTAssertLessThan(toInput, toGrey, "the unedited picture is nearer the truth than a blank one")
        XCTAssertLessThanOrEqual(toGrey, 4)
    }
}

/// The module tree: keys follow property names and `key:` overrides, arrays and optional children,
/// seeded random weights, and loading by key with typed errors for checkpoints that do not fit.
import Foundation
import LucidModels
import LucidTensor
import XCTest

/// A toy two-level model shaped like a diffusers block.
private final class ToyAttention: Module {
    @Child(key: "to_q") var query: Linear
    @Child(key: "to_out.0") var output: Linear
    @Child var norm: Linear?

    init(width: Int, withNorm: Bool) {
        super.init()
        query = Linear(width, width, bias: false)
        output = Linear(width, width)
        norm = withNorm ? Linear(width, width) : nil
    }
}

private final class ToyModel: Module {
    @Child(key: "conv_in") var convIn: Linear
    @Child(key: "down_blocks") var downBlocks: [ToyAttention]
    @Parameter var scale: Tensor

    init(width: Int = 3) {
        super.init()
        convIn = Linear(2, width)
        downBlocks = [ToyAttention(width: width, withNorm: false), ToyAttention(width: width, withNorm: true)]
        scale = Tensor(zeros: [width])
    }
}

final class ModuleLoadingTests: XCTestCase {
    func testParameterKeysFollowTheDiffusersTree() {
        let keys = ToyModel().parameters().map(\.key)
        XCTAssertEqual(keys, [
            "conv_in.weight", "conv_in.bias",
            "down_blocks.0.to_q.weight", "down_blocks.0.to_out.0.weight", "down_blocks.0.to_out.0.bias",
            "down_blocks.1.to_q.weight", "down_blocks.1.to_out.0.weight", "down_blocks.1.to_out.0.bias",
            "down_blocks.1.norm.weight", "down_blocks.1.norm.bias",
            "scale",
        ])
        XCTAssertEqual(ToyModel().children.map(\.key), ["conv_in", "down_blocks.0", "down_blocks.1"])
        XCTAssertEqual(ToyModel().parameterCount, 2 * 3 + 3 + (9 + 9 + 3) + (9 + 9 + 3 + 9 + 3) + 3)
    }

    func testSeededRandomWeightsAreDeterministicAndScaledByFanIn() {
        let a = ToyModel(), b = ToyModel(), c = ToyModel()
        a.randomizeParameters(seed: 7)
        b.randomizeParameters(seed: 7)
        c.randomizeParameters(seed: 8)
        XCTAssertEqual(a.parameters().map(\.value.scalars), b.parameters().map(\.value.scalars))
        XCTAssertNotEqual(a.convIn.weight.scalars, c.convIn.weight.scalars)
        XCTAssertEqual(a.convIn.bias?.scalars, [0, 0, 0])
        XCTAssertEqual(a.scale.scalars, [0, 0, 0], "a 1-D parameter not named weight is a bias-like zero")

        let wide = Linear(4096, 64)
        wide.randomizeParameters(seed: 1)
        let values = wide.weight.scalars
        let std = (values.map { $0 * $0 }.reduce(0, +) / Float(values.count)).squareRoot()
        XCTAssertEqual(std, 1 / Float(4096).squareRoot(), accuracy: 0.001)
    }

    func testSavedWeightsLoadBackIntoAFreshModel() throws {
        let source = ToyModel()
        source.randomizeParameters(seed: 3)
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("toy.safetensors").path
        try SafetensorsWriter.write(source.parameters().map { ($0.key, $0.value) }, to: file)

        let target = ToyModel()
        try target.load(from: SafetensorsFile(path: file))
        XCTAssertEqual(target.parameters().map(\.value.scalars), source.parameters().map(\.value.scalars))
        XCTAssertEqual(target.downBlocks[1].norm?.weight.scalars, source.downBlocks[1].norm?.weight.scalars)
    }

    private func write(_ tensors: [(String, Tensor)]) throws -> SafetensorsFile {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("w.safetensors").path
        try SafetensorsWriter.write(tensors.map { (name: $0.0, tensor: $0.1) }, to: file)
        return try SafetensorsFile(path: file)
    }

    func testACheckpointLackingAParameterNamesTheMissingKeysAndFile() throws {
        let full = ToyModel().parameters().filter { $0.key != "down_blocks.1.norm.bias" }
        let file = try write(full.map { ($0.key, $0.value) })
        XCTAssertThrowsError(try ToyModel().load(from: file)) { error in
            XCTAssertEqual(error as? WeightLoadingError, .missingKeys(["down_blocks.1.norm.bias"], file: file.path))
        }
    }

    func testATensorNoParameterTakesIsAnUnexpectedKey() throws {
        let file = try write(ToyModel().parameters().map { ($0.key, $0.value) } + [("down_blocks.0.norm.weight", Tensor(ones: [3, 3]))])
        XCTAssertThrowsError(try ToyModel().load(from: file)) { error in
            XCTAssertEqual(error as? WeightLoadingError, .unexpectedKeys(["down_blocks.0.norm.weight"], file: file.path))
        }
        let model = ToyModel()
        XCTAssertNoThrow(try model.load(from: file, ignoring: ["down_blocks.0.norm.weight"]))
    }

    func testAWeightOfTheWrongShapeIsAShapeMismatchAndLeavesTheModelUntouched() throws {
        let wider = ToyModel(width: 4)
        wider.randomizeParameters(seed: 1)
        let file = try write(wider.parameters().map { ($0.key, $0.value) })
        let model = ToyModel(width: 3)
        XCTAssertThrowsError(try model.load(from: file)) { error in
            XCTAssertEqual(error as? WeightLoadingError,
                           .shapeMismatch(key: "conv_in.weight", expected: [3, 2], found: [4, 2], file: file.path))
            XCTAssertTrue("\(error)".contains("conv_in.weight"))
        }
        XCTAssertEqual(model.convIn.bias?.scalars, [0, 0, 0])
    }
}

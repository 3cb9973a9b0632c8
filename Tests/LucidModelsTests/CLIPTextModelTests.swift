/// The CLIP text encoder against transformers' `CLIPTextModel` on the fixture checkpoint.
import Foundation
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class CLIPTextModelTests: XCTestCase {
    func testLastHiddenStateMatchesTransformers() throws {
        let model = try CLIPTextModel(folder: DiffusersFolder(url: Fixtures.tinySD))
        let golden = try Fixtures.golden("text_encoder")
        let ids = try golden.tensor("input_ids")
        let rows = (0..<ids.shape[0]).map { r in (0..<ids.shape[1]).map { Int(ids.scalars[r * ids.shape[1] + $0]) } }
        let output = try model(rows)
        let error = relativeError(output, try golden.tensor("last_hidden_state"))
        print("CLIPTextModel last_hidden_state relative error: \(error)")
        XCTAssertLessThan(error, 1e-4)
    }

    func testTokenizerAndEncoderTogetherReproduceTheGoldenForTheCaption() throws {
        let tokenizer = try CLIPTokenizer(folder: Fixtures.tinySD.appendingPathComponent("tokenizer"))
        let model = try CLIPTextModel(folder: DiffusersFolder(url: Fixtures.tinySD))
        let output = try model([tokenizer.encode("a photo of a cat"), tokenizer.encode("")])
        XCTAssertLessThan(relativeError(output, try Fixtures.golden("text_encoder").tensor("last_hidden_state")), 1e-4)
    }

    func testTheModelKeysAreTheCheckpointKeysUnderTextModel() throws {
        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        let model = try CLIPTextModel(configuration: folder.textEncoderConfiguration())
        let file = try folder.weights(for: "text_encoder")
        XCTAssertEqual(Set(model.parameters().map(\.key)), Set(file.tensorNames.map { "text_model." + $0 }))
        XCTAssertTrue(model.parameters().contains { $0.key == "text_model.encoder.layers.1.self_attn.q_proj.weight" })
    }

    func testACheckpointWithTheTextModelPrefixAndPositionIdsLoadsToo() throws {
        let reference = try CLIPTextModel(folder: DiffusersFolder(url: Fixtures.tinySD))
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("model.safetensors").path
        let positionIds = try Tensor(shape: [1, 77], values: (0..<77).map(Float.init))
        try SafetensorsWriter.write(
            reference.parameters().map { ($0.key, $0.value) } + [("text_model.embeddings.position_ids", positionIds)], to: path)
        let model = try CLIPTextModel(configuration: reference.configuration)
        try model.loadWeights(from: SafetensorsFile(path: path))
        XCTAssertEqual(model.parameters().map(\.value.scalars), reference.parameters().map(\.value.scalars))
    }

    func testSequencesOfDifferentLengthsOrOutOfVocabularyIdsAreTypedErrors() throws {
        let model = try CLIPTextModel(folder: DiffusersFolder(url: Fixtures.tinySD))
        XCTAssertThrowsError(try model([[1, 2, 3], [1, 2]])) { XCTAssertTrue($0 is TensorError, "\($0)") }
        XCTAssertThrowsError(try model([Array(repeating: 1, count: 78)])) { XCTAssertTrue($0 is TensorError, "\($0)") }
        XCTAssertThrowsError(try model([[1, 100_000]])) { XCTAssertTrue($0 is TensorError, "\($0)") }
    }

    func testAConfigurationThatDoesNotMatchTheWeightsIsAShapeMismatchNamingTheTensor() throws {
        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        var configuration = try folder.textEncoderConfiguration()
        configuration.intermediateSize = 64
        let model = try CLIPTextModel(configuration: configuration)
        XCTAssertThrowsError(try model.loadWeights(from: folder.weights(for: "text_encoder"))) { error in
            guard case WeightLoadingError.shapeMismatch(let key, [64, 32], [128, 32], let file) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "encoder.layers.0.mlp.fc1.weight")
            XCTAssertTrue(file.hasSuffix("text_encoder/model.safetensors"))
        }
    }

    func testSeededRandomModelsAreReproducibleAndFinite() throws {
        var configuration = CLIPTextConfiguration()
        configuration.hiddenSize = 64
        configuration.intermediateSize = 128
        configuration.numHiddenLayers = 2
        configuration.numAttentionHeads = 4
        configuration.vocabSize = 100
        let a = try CLIPTextModel(configuration: configuration), b = try CLIPTextModel(configuration: configuration)
        a.randomizeParameters(seed: 5)
        b.randomizeParameters(seed: 5)
        let ids = [Array(0..<77).map { $0 % 100 }]
        let (x, y) = (try a(ids), try b(ids))
        XCTAssertEqual(x.shape, [1, 77, 64])
        XCTAssertEqual(x.scalars, y.scalars)
        XCTAssertTrue(x.scalars.allSatisfy(\.isFinite))
    }
}

/// The diffusers folder loader on the tiny fixture checkpoint: component index, configurations with
/// SD-1.5 defaults, weight discovery, and typed errors for what is missing or malformed.
import Foundation
import LucidModels
import LucidTensor
import XCTest

final class DiffusersFolderTests: XCTestCase {
    func testTheFixtureIndexListsTheFiveStableDiffusionComponents() throws {
        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        XCTAssertEqual(Set(folder.components.keys), ["unet", "vae", "text_encoder", "tokenizer", "scheduler"])
        XCTAssertEqual(folder.components["unet"]?.className, "UNet2DConditionModel")
    }

    func testConfigurationsDecodeFromTheFilesAndKeepDefaultsForAbsentFields() throws {
        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        let unet = try folder.unetConfiguration()
        XCTAssertEqual(unet.blockOutChannels, [32, 64])
        XCTAssertEqual(unet.downBlockTypes, ["CrossAttnDownBlock2D", "DownBlock2D"])
        XCTAssertEqual(unet.attentionHeads(forBlock: 0), 8)
        XCTAssertEqual(unet.crossAttentionDim, 32)
        XCTAssertEqual(unet.normNumGroups, 8)
        XCTAssertNoThrow(try unet.validate())
        let vae = try folder.vaeConfiguration()
        XCTAssertEqual(vae.scalingFactor, 0.18215)
        XCTAssertEqual(vae.blockOutChannels, [32, 64])
        let text = try folder.textEncoderConfiguration()
        XCTAssertEqual([text.hiddenSize, text.numHiddenLayers, text.numAttentionHeads, text.vocabSize], [32, 2, 4, 565])
        let scheduler = try folder.schedulerConfiguration()
        XCTAssertEqual(scheduler, DDIMSchedulerConfiguration(), "the fixture scheduler is SD-1.5's")

        let sparse = try JSONDecoder().decode(UNet2DConditionConfiguration.self, from: Data(#"{"block_out_channels": [64]}"#.utf8))
        XCTAssertEqual(sparse.crossAttentionDim, 768)
        XCTAssertEqual(sparse.blockOutChannels, [64])
        let perBlock = try JSONDecoder().decode(UNet2DConditionConfiguration.self, from: Data(#"{"attention_head_dim": [5, 10, 20, 20]}"#.utf8))
        XCTAssertEqual(perBlock.attentionHeads(forBlock: 2), 20)
    }

    func testWeightDiscoveryFindsFP16VariantsAndPlainFiles() throws {
        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        XCTAssertTrue(try folder.weights(for: "unet").name.hasSuffix("unet/diffusion_pytorch_model.fp16.safetensors"))
        XCTAssertTrue(try folder.weights(for: "vae", variant: "fp16").name.hasSuffix("diffusion_pytorch_model.fp16.safetensors"))
        XCTAssertTrue(try folder.weights(for: "text_encoder", variant: "fp16").name.hasSuffix("text_encoder/model.safetensors"))
    }

    func testAMissingComponentIsATypedErrorNamingIt() throws {
        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        XCTAssertThrowsError(try folder.weights(for: "safety_checker")) { error in
            XCTAssertEqual(error as? DiffusersFolderError, .missingComponent("safety_checker", folder: Fixtures.tinySD.path))
        }
    }

    func testAFolderWithoutAnIndexOrWeightsOrWithABadConfigIsATypedError() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        XCTAssertThrowsError(try DiffusersFolder(url: root)) { error in
            guard case DiffusersFolderError.invalidModelIndex = error else { return XCTFail("\(error)") }
        }
        try Data(#"{"unet": ["diffusers", "UNet2DConditionModel"]}"#.utf8).write(to: root.appendingPathComponent("model_index.json"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("unet"), withIntermediateDirectories: true)
        let folder = try DiffusersFolder(url: root)
        XCTAssertThrowsError(try folder.weights(for: "unet")) { error in
            guard case DiffusersFolderError.missingWeights(let component, _, let tried) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(component, "unet")
            XCTAssertTrue(tried.contains("diffusion_pytorch_model.safetensors"))
        }
        XCTAssertThrowsError(try folder.unetConfiguration()) { error in
            guard case DiffusersFolderError.missingConfiguration = error else { return XCTFail("\(error)") }
        }
        try Data(#"{"block_out_channels": "wide"}"#.utf8).write(to: root.appendingPathComponent("unet/config.json"))
        XCTAssertThrowsError(try folder.unetConfiguration()) { error in
            guard case DiffusersFolderError.invalidConfiguration(let path, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("unet/config.json"))
            XCTAssertTrue(detail.contains("block_out_channels"), detail)
        }
    }

    func testAnUnsupportedBlockTypeIsRejectedByValidation() throws {
        var configuration = UNet2DConditionConfiguration()
        configuration.downBlockTypes[0] = "SimpleCrossAttnDownBlock2D"
        XCTAssertThrowsError(try configuration.validate()) { error in
            guard case ConfigurationError.unsupported("unet", "down_block_types", _) = error else { return XCTFail("\(error)") }
        }
    }
}

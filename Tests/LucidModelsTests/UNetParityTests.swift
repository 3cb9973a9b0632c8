/// The UNet against PyTorch/diffusers on the tiny fixture checkpoint: time embedding, every block's
/// output and the noise prediction within 1e-4 relative; typed errors for checkpoints and inputs
/// that do not fit the configuration; deterministic seeded random weights.
import Foundation
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

/// The tiny fixture UNet with its checkpoint loaded.
func loadTinyUNet() throws -> UNet2DConditionModel {
    let folder = try DiffusersFolder(url: Fixtures.tinySD)
    return try UNet2DConditionModel(configuration: folder.unetConfiguration(), checkpoint: folder.weights(for: "unet"))
}

final class UNetParityTests: XCTestCase {
    func testEveryBlockOutputAndTheNoisePredictionMatchDiffusers() throws {
        let unet = try loadTinyUNet()
        let golden = try Fixtures.golden("unet_forward")
        let latent = try golden.tensor("latent")
        let timestep = try golden.tensor("timestep").item()
        let context = try golden.tensor("encoder_hidden_states")

        let timeEmbedding = try unet.timeEmbedding(unet.timeFeatures([timestep]))
        XCTAssertLessThan(relativeError(timeEmbedding, try golden.tensor("time_embedding")), 1e-4, "time_embedding")

        let batch = try concat([latent, latent], axis: 0)
        XCTAssertLessThan(relativeError(try unet.convIn(batch), try golden.tensor("block.conv_in")), 1e-4, "conv_in")
        let output = try unet.forward(batch, timestep: timestep, encoderHiddenStates: context)
        var blocks = output.downBlockOutputs.enumerated().map { ("down_blocks.\($0.offset)", $0.element) }
        blocks.append(("mid_block", output.midBlockOutput))
        blocks += output.upBlockOutputs.enumerated().map { ("up_blocks.\($0.offset)", $0.element) }
        XCTAssertEqual(blocks.count, 5)
        for (name, actual) in blocks {
            let error = relativeError(actual, try golden.tensor("block.\(name)"))
            XCTAssertLessThan(error, 1e-4, name)
        }
        let sample = try XCTUnwrap(output.sample)
        let error = relativeError(sample, try golden.tensor("sample"))
        print("UNet parity (tiny, CFG batch 2, t=\(timestep)): noise prediction relative error \(error)")
        XCTAssertLessThan(error, 1e-4, "sample")
    }

    func testACheckpointWhoseShapesDifferFromTheConfigurationIsATypedErrorNamingTheTensor() throws {
        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        var configuration = try folder.unetConfiguration()
        configuration.crossAttentionDim = 48
        XCTAssertThrowsError(try UNet2DConditionModel(configuration: configuration, checkpoint: folder.weights(for: "unet"))) { error in
            guard case WeightLoadingError.shapeMismatch(let key, let expected, let found, _) = error else {
                return XCTFail("expected a shape mismatch, got \(error)")
            }
            XCTAssertTrue(key.hasSuffix("attn2.to_k.weight") || key.hasSuffix("attn2.to_v.weight"), key)
            XCTAssertEqual(expected, [found[0], 48])
        }

        configuration = try folder.unetConfiguration()
        configuration.layersPerBlock = 2
        XCTAssertThrowsError(try UNet2DConditionModel(configuration: configuration, checkpoint: folder.weights(for: "unet"))) { error in
            guard case WeightLoadingError.missingKeys(let keys, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(keys.contains("down_blocks.0.resnets.1.conv1.weight"), "\(keys.prefix(4))")
        }

        configuration = try folder.unetConfiguration()
        configuration.normNumGroups = 5
        XCTAssertThrowsError(try UNet2DConditionModel(configuration: configuration)) { error in
            XCTAssertTrue(error is ConfigurationError, "\(error)")
        }
    }

    func testInputsThatDoNotFitTheConfigurationAreRejectedBeforeComputing() throws {
        let unet = try loadTinyUNet()
        let context = Tensor(zeros: [1, 77, 32])
        let cases: [(Tensor, Tensor)] = [
            (Tensor(zeros: [1, 3, 32, 32]), context),          // wrong latent channels
            (Tensor(zeros: [4, 32, 32]), context),             // no batch axis
            (Tensor(zeros: [1, 4, 32, 32]), Tensor(zeros: [1, 77, 16])),  // wrong text width
            (Tensor(zeros: [2, 4, 32, 32]), context),          // batch of text differs
            (Tensor(zeros: [1, 4, 32, 32]), Tensor(zeros: [1, 0, 32])),   // no text tokens to attend to
        ]
        for (sample, text) in cases {
            XCTAssertThrowsError(try unet(sample, timestep: 1, encoderHiddenStates: text)) { error in
                guard case TensorError.shapeMismatch(let message) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(message.hasPrefix("UNet:"), message)
            }
        }
    }

    func testSeededRandomWeightsAreReproducibleAndDependOnTheSeed() throws {
        let configuration = try DiffusersFolder(url: Fixtures.tinySD).unetConfiguration()
        func output(seed: UInt64) throws -> Tensor {
            let unet = try UNet2DConditionModel(configuration: configuration)
            unet.randomizeParameters(seed: seed)
            var generator = SeededGenerator(seed: 7)
            let latent = Tensor.randomNormal([1, 4, 16, 16], mean: 0, std: 1, generator: &generator)
            let context = Tensor.randomNormal([1, 5, 32], mean: 0, std: 1, generator: &generator)
            return try unet(latent, timestep: 500, encoderHiddenStates: context)
        }
        let first = try output(seed: 1), again = try output(seed: 1), other = try output(seed: 2)
        XCTAssertEqual(first.scalars, again.scalars)
        XCTAssertGreaterThan(relativeError(other, first), 1e-3)
        XCTAssertTrue(first.scalars.allSatisfy(\.isFinite))
    }
}

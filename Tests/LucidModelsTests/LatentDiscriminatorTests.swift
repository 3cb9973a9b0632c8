/// The latent discriminator against PyTorch on the tiny fixture (tiny-sd/discriminator): logits,
/// log D and the latent gradient of Σ log D; and the errors a broken folder gives.
import Foundation
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class LatentDiscriminatorTests: XCTestCase {
    private var folder: URL { Fixtures.tinySD.appendingPathComponent("discriminator") }

    func testLogitsLogProbabilitiesAndGradientMatchPyTorch() throws {
        let discriminator = try LatentDiscriminator(folder: folder)
        let golden = try Fixtures.golden("discriminator")
        let score = try discriminator.score(try golden.tensor("latent"), timesteps: try golden.tensor("timesteps").scalars)
        let logits = try Tensor(shape: [score.logits.count], values: score.logits)
        let logD = try Tensor(shape: [score.logProbabilities.count], values: score.logProbabilities)
        XCTAssertLessThan(relativeError(logits, try golden.tensor("logits")), 1e-5)
        XCTAssertLessThan(relativeError(logD, try golden.tensor("log_d")), 1e-5)
        let error = relativeError(score.gradient, try golden.tensor("grad_log_d"))
        print("Discriminator parity (tiny): gradient relative error \(error)")
        XCTAssertLessThan(error, 1e-4)
    }

    func testOneTimestepServesTheWholeBatchAndAMismatchedCountIsRefused() throws {
        let discriminator = try LatentDiscriminator(folder: folder)
        let latent = try Fixtures.golden("discriminator").tensor("latent")
        let shared = try discriminator(latent, timesteps: [700])
        let explicit = try discriminator(latent, timesteps: [700, 700])
        XCTAssertEqual(shared.scalars, explicit.scalars)
        XCTAssertThrowsError(try discriminator(latent, timesteps: [1, 2, 3]))
        XCTAssertThrowsError(try discriminator(Tensor(zeros: [1, 3, 16, 16]), timesteps: [1]))
    }

    func testAMissingWeightsFileIsNamed() throws {
        let copy = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(at: folder.appendingPathComponent("config.json"),
                                         to: copy.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try LatentDiscriminator(folder: copy)) { error in
            XCTAssertTrue("\(error)".contains("diffusion_pytorch_model.safetensors"), "\(error)")
        }
    }

    func testATruncatedWeightsFileAndABadConfigurationGiveTypedErrors() throws {
        let copy = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(at: folder.appendingPathComponent("config.json"),
                                         to: copy.appendingPathComponent("config.json"))
        let weights = try Data(contentsOf: folder.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        try weights.prefix(weights.count / 2).write(to: copy.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        XCTAssertThrowsError(try LatentDiscriminator(folder: copy)) { error in
            XCTAssertTrue(error is SafetensorsError, "\(type(of: error)): \(error)")
        }
        try Data(#"{"block_out_channels": [30], "norm_num_groups": 8}"#.utf8).write(to: copy.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try LatentDiscriminator(folder: copy)) { error in
            XCTAssertTrue(error is ConfigurationError, "\(type(of: error)): \(error)")
        }
        try Data("{".utf8).write(to: copy.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try LatentDiscriminator(folder: copy)) { error in
            XCTAssertTrue("\(error)".contains("config.json"), "\(error)")
        }
    }
}

/// The VAE against PyTorch/diffusers on the tiny fixture checkpoint: encoder moments and mean,
/// sampling with given noise, and the decoder, within 1e-4 relative; typed errors for inputs and
/// checkpoints that do not fit.
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class VAEParityTests: XCTestCase {
    private func loadTinyVAE() throws -> AutoencoderKL {
        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        return try AutoencoderKL(configuration: folder.vaeConfiguration(), checkpoint: folder.weights(for: "vae"))
    }

    func testEncodingGivesTheMomentsAndMeanOfDiffusers() throws {
        let vae = try loadTinyVAE()
        let golden = try Fixtures.golden("vae")
        let distribution = try vae.encode(golden.tensor("image"))
        let moments = try golden.tensor("moments")
        let meanError = relativeError(distribution.mean, try golden.tensor("mean"))
        print("VAE encode parity (tiny, 64×64): mean relative error \(meanError)")
        XCTAssertLessThan(meanError, 1e-4)
        let logVariance = try moments.narrowed(axis: 1, start: 4, length: 4)
        XCTAssertLessThan(relativeError(distribution.logVariance, logVariance.clamped(min: -30, max: 20)), 1e-4)

        var generator = SeededGenerator(seed: 3)
        let noise = Tensor.randomNormal(distribution.mean.shape, generator: &generator)
        let expected = try golden.tensor("mean") + (0.5 * logVariance).exp() * noise
        XCTAssertLessThan(relativeError(try distribution.sample(noise: noise), expected), 1e-4)
        XCTAssertThrowsError(try distribution.sample(noise: Tensor(zeros: [1, 4, 8, 8])))
    }

    func testDecodingMatchesDiffusers() throws {
        let vae = try loadTinyVAE()
        let golden = try Fixtures.golden("vae")
        let decoded = try vae.decode(golden.tensor("latent"))
        let error = relativeError(decoded, try golden.tensor("decoded"))
        print("VAE decode parity (tiny, 32×32 latent): relative error \(error)")
        XCTAssertLessThan(error, 1e-4)
    }

    func testTheScalingFactorIsLeftToTheCaller() throws {
        let vae = try loadTinyVAE()
        XCTAssertEqual(vae.configuration.scalingFactor, 0.18215)
        let golden = try Fixtures.golden("vae")
        let latent = try golden.tensor("latent")
        let viaScaled = try vae.decode((latent * vae.configuration.scalingFactor) / vae.configuration.scalingFactor)
        XCTAssertLessThan(relativeError(viaScaled, try golden.tensor("decoded")), 1e-4)
    }

    func testInputsAndCheckpointsThatDoNotFitAreTypedErrors() throws {
        let vae = try loadTinyVAE()
        XCTAssertThrowsError(try vae.encode(Tensor(zeros: [1, 4, 64, 64]))) { error in
            guard case TensorError.shapeMismatch(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("VAE encode"), message)
        }
        XCTAssertThrowsError(try vae.decode(Tensor(zeros: [1, 3, 8, 8])))

        let folder = try DiffusersFolder(url: Fixtures.tinySD)
        var configuration = try folder.vaeConfiguration()
        configuration.latentChannels = 8
        XCTAssertThrowsError(try AutoencoderKL(configuration: configuration, checkpoint: folder.weights(for: "vae"))) { error in
            guard case WeightLoadingError.shapeMismatch(let key, _, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(key.isEmpty)
        }
        configuration = try folder.vaeConfiguration()
        configuration.midBlockAddAttention = false
        XCTAssertThrowsError(try AutoencoderKL(configuration: configuration, checkpoint: folder.weights(for: "vae"))) { error in
            guard case WeightLoadingError.unexpectedKeys(let keys, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(keys.contains("encoder.mid_block.attentions.0.to_q.weight"), "\(keys.prefix(3))")
        }
    }
}

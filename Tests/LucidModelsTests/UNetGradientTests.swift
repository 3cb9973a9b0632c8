/// Gradients through the UNet with respect to the latent (weights frozen), against PyTorch autograd:
/// an energy on decoder-block features (the shape of the sampler's editing energy) and a weighted
/// sum of the noise prediction, within 1e-3 relative.
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class UNetGradientTests: XCTestCase {
    func testTheGradientOfADecoderFeatureEnergyMatchesAutograd() throws {
        let unet = try loadTinyUNet()
        let golden = try Fixtures.golden("unet_gradients")
        let context = try golden.tensor("encoder_hidden_states")
        let t = try golden.tensor("timestep").item()

        let tape = GradientTape()
        let latent = tape.watch(try golden.tensor("latent"))
        let features = try unet.upBlockFeatures(latent, timestep: t, encoderHiddenStates: context, blocks: [0, 1])
        let (up0, up1) = (features[0], features[1])
        func window(_ x: Tensor, rows: Int, columns: Int) throws -> Tensor {
            try x.narrowed(axis: 2, start: rows, length: 8).narrowed(axis: 3, start: columns, length: 8)
        }
        let similarity = try cosineSimilarity(window(up1, rows: 4, columns: 4), window(up1, rows: 16, columns: 18), axis: 1)
        let energy = try similarity.mean() + up0.squared().mean()
        XCTAssertEqual(try energy.item(), try golden.tensor("decoder_energy").item(), accuracy: 1e-4 * abs(try energy.item()))

        let gradient = try tape.gradient(of: energy, wrt: latent)
        let error = relativeError(gradient, try golden.tensor("grad_decoder_energy"))
        print("UNet gradient parity (tiny): decoder-feature energy relative error \(error)")
        XCTAssertLessThan(error, 1e-3)
    }

    func testTheGradientOfTheNoisePredictionMatchesAutograd() throws {
        let unet = try loadTinyUNet()
        let golden = try Fixtures.golden("unet_gradients")
        let tape = GradientTape()
        let latent = tape.watch(try golden.tensor("latent"))
        let noise = try unet(latent, timestep: try golden.tensor("timestep").item(),
                             encoderHiddenStates: try golden.tensor("encoder_hidden_states"))
        let energy = try (noise * golden.tensor("output_weight")).sum()
        XCTAssertEqual(try energy.item(), try golden.tensor("output_energy").item(), accuracy: 1e-4 * abs(try energy.item()) + 1e-5)
        let gradient = try tape.gradient(of: energy, wrt: latent)
        let error = relativeError(gradient, try golden.tensor("grad_output_energy"))
        print("UNet gradient parity (tiny): output energy relative error \(error)")
        XCTAssertLessThan(error, 1e-3)
    }
}

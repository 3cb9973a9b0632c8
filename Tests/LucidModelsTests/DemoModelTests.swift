/// The shipped demo model (Models/demo-world) in the Swift engine against PyTorch + diffusers on the
/// same weights (Tests/Fixtures/demo-model/make_goldens.py): every component, a 20-step guided DDIM
/// loop and both latent gradients; and the errors a damaged copy of the folder gives.
import Foundation
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class DemoModelTests: XCTestCase {
    private func folder() throws -> DiffusersFolder { try DiffusersFolder(url: Fixtures.demoModel) }

    private func unet() throws -> UNet2DConditionModel {
        let folder = try folder()
        return try UNet2DConditionModel(configuration: folder.unetConfiguration(), checkpoint: folder.weights(for: "unet"))
    }

    /// Asserts `actual` is within `tolerance` of `expected` (relative) and prints the error for the README.
    private func assertParity(_ name: String, _ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-4) {
        let error = relativeError(actual, expected)
        print("Demo model parity: \(name) relative error \(error)")
        XCTAssertLessThan(error, tolerance, name)
    }

    private func context() throws -> Tensor {
        let hidden = try Fixtures.demoGolden().tensor("last_hidden_state")
        let halves = try hidden.chunked(2, axis: 0)
        return try concat([halves[1], halves[0]], axis: 0)  // [uncond, cond]
    }

    func testTheTokenizerAndTextEncoderMatchTransformers() throws {
        let golden = try Fixtures.demoGolden()
        let caption = String(decoding: try golden.tensor("caption_utf8").scalars.map { UInt8($0) }, as: UTF8.self)
        let tokenizer = try CLIPTokenizer(folder: Fixtures.demoModel.appendingPathComponent("tokenizer"))
        let ids = [tokenizer.encode(caption), tokenizer.encode("")]
        XCTAssertEqual(ids.flatMap { $0.map(Float.init) }, try golden.tensor("input_ids").scalars, caption)
        let hidden = try CLIPTextModel(folder: folder())(ids)
        assertParity("text encoder", hidden, try golden.tensor("last_hidden_state"))
    }

    func testTheVAEEncodesAndDecodesAHeldOutSceneLikeDiffusers() throws {
        let folder = try folder()
        let vae = try AutoencoderKL(configuration: folder.vaeConfiguration(), checkpoint: folder.weights(for: "vae"))
        let golden = try Fixtures.demoGolden()
        let mean = try vae.encode(try golden.tensor("image")).mean
        assertParity("VAE encode (mean)", mean, try golden.tensor("vae_mean"))
        assertParity("VAE decode", try vae.decode(try golden.tensor("vae_mean")), try golden.tensor("vae_decoded"))
    }

    func testTheUNetAndItsLatentGradientMatchDiffusers() throws {
        let unet = try unet()
        let golden = try Fixtures.demoGolden()
        let tape = GradientTape()
        let latent = tape.watch(try golden.tensor("unet_latent"))
        let sample = try unet(concat([latent, latent], axis: 0), timestep: try golden.tensor("unet_timestep").item(),
                              encoderHiddenStates: context())
        assertParity("UNet (CFG batch 2)", sample, try golden.tensor("unet_sample"))
        let conditional = try sample.chunked(2, axis: 0)[1]
        let energy = try (conditional * golden.tensor("unet_weight")).sum()
        assertParity("UNet latent gradient", try tape.gradient(of: energy, wrt: latent), try golden.tensor("unet_grad"),
                     tolerance: 1e-3)
    }

    /// A batch of one latent with two prompts runs its layers before the first attention once (the
    /// demo model's plain first down block); every row still matches its own pass.
    func testRowsOfOneLatentMatchTheirOwnPasses() throws {
        let unet = try unet()
        let golden = try Fixtures.demoGolden()
        let latent = try golden.tensor("unet_latent"), timestep = try golden.tensor("unet_timestep").item()
        let contexts = try context().chunked(2, axis: 0)
        let batch = try unet.forward(concat([latent, latent], axis: 0), timestep: timestep,
                                     encoderHiddenStates: concat(contexts, axis: 0))
        XCTAssertEqual(batch.downBlockOutputs.map { $0.shape[0] }, [2, 2, 2], "every output keeps the batch")
        let rows = try XCTUnwrap(batch.sample).chunked(2, axis: 0)
        for (row, context) in zip(rows, contexts) {
            let alone = try unet(latent, timestep: timestep, encoderHiddenStates: context)
            XCTAssertLessThan(relativeError(row, alone), 1e-5)
        }
    }

    func testTwentyGuidedDDIMStepsMatchDiffusers() throws {
        let unet = try unet()
        let golden = try Fixtures.demoGolden()
        let guidance = try golden.tensor("loop_cfg").item()
        let scheduler = try DDIMScheduler(steps: Int(try golden.tensor("loop_steps").item()),
                                          configuration: folder().schedulerConfiguration())
        let context = try context()
        var x = try golden.tensor("loop_start")
        for t in scheduler.timesteps {
            let halves = try unet(concat([x, x], axis: 0), timestep: Float(t), encoderHiddenStates: context).chunked(2, axis: 0)
            x = try scheduler.step(modelOutput: halves[0] + guidance * (halves[1] - halves[0]), timestep: t, sample: x)
        }
        assertParity("20 DDIM steps with CFG \(guidance)", x, try golden.tensor("loop_final"))
    }

    func testTheDiscriminatorAndItsGradientMatchPyTorch() throws {
        let discriminator = try LatentDiscriminator(folder: Fixtures.demoModel.appendingPathComponent("discriminator"))
        let golden = try Fixtures.demoGolden()
        let score = try discriminator.score(try golden.tensor("disc_latent"), timesteps: try golden.tensor("disc_timesteps").scalars)
        assertParity("discriminator logits", try Tensor(shape: [2], values: score.logits), try golden.tensor("disc_logits"))
        assertParity("discriminator log D", try Tensor(shape: [2], values: score.logProbabilities), try golden.tensor("disc_log_d"))
        assertParity("discriminator ∇ log D", score.gradient, try golden.tensor("disc_grad"), tolerance: 1e-3)
    }

    func testADamagedCopyOfTheFolderGivesErrorsNamingTheFile() throws {
        let copy = try Fixtures.temporaryDirectory().appendingPathComponent("demo-world")
        try FileManager.default.copyItem(at: Fixtures.demoModel.resolvingSymlinksInPath(), to: copy)
        let damaged = try DiffusersFolder(url: copy)

        let unetWeights = copy.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        try FileManager.default.removeItem(at: unetWeights)
        XCTAssertThrowsError(try damaged.weights(for: "unet")) { error in
            XCTAssertEqual("\(error)".contains("unet"), true, "\(error)")
            guard case DiffusersFolderError.missingWeights = error else { return XCTFail("\(error)") }
        }

        let vaeWeights = copy.appendingPathComponent("vae/diffusion_pytorch_model.safetensors")
        let bytes = try Data(contentsOf: vaeWeights)
        try bytes.prefix(bytes.count - 1000).write(to: vaeWeights)
        XCTAssertThrowsError(try AutoencoderKL(configuration: damaged.vaeConfiguration(), checkpoint: damaged.weights(for: "vae"))) { error in
            XCTAssertTrue(error is SafetensorsError, "\(type(of: error)): \(error)")
            XCTAssertTrue("\(error)".contains("vae"), "\(error)")
        }

        try Data("{\"hidden_size\": \"wide\"}".utf8).write(to: copy.appendingPathComponent("text_encoder/config.json"))
        XCTAssertThrowsError(try CLIPTextModel(folder: damaged)) { error in
            XCTAssertTrue("\(error)".contains("text_encoder/config.json"), "\(error)")
        }

        try FileManager.default.removeItem(at: copy.appendingPathComponent("model_index.json"))
        XCTAssertThrowsError(try DiffusersFolder(url: copy)) { error in
            XCTAssertTrue("\(error)".contains("model_index.json"), "\(error)")
        }
    }
}

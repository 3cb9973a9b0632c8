/// Benchmark rows for whole SD-1.x models with seeded random weights at SD-1.5 size (no weight
/// file needed), plus the tiny fixture configuration's 50-step DDIM loop; each mirrored in the
/// PyTorch twin.
import Foundation
import LucidModels
import LucidTensor

extension BenchCase {
    /// The model rows, in table order (the UNet rows share one model instance).
    public static var modelCases: [BenchCase] {
        [
            BenchCase(name: "unet fwd 64x64 b1", isHuge: true) { try unetForward(batch: 1) },
            BenchCase(name: "unet fwd 64x64 b2", isHuge: true) { try unetForward(batch: 2) },
            BenchCase(name: "unet fwd+grad decoder energy b1", isHuge: true) {
                decoderEnergyGradient(try SharedUNet.sd15(), latent: seeded([1, 4, 64, 64], 11),
                                      context: seeded([1, 77, 768], 12), timestep: 981)
            },
            BenchCase(name: "vae decode 64x64 latent", isHuge: true) {
                SharedUNet.release()
                let vae = try AutoencoderKL(configuration: .init())
                vae.randomizeParameters(seed: 0)
                let latent = seeded([1, 4, 64, 64], 13)
                return { _ = try vae.decode(latent) }
            },
            BenchCase(name: "clip text 2x77") {
                SharedUNet.release()
                let model = try CLIPTextModel(configuration: .init())
                model.randomizeParameters(seed: 0)
                var g = SeededGenerator(seed: 14)
                let ids = (0..<2).map { _ in (0..<77).map { _ in Int(g.next() % 49_408) } }
                return { _ = try model(ids) }
            },
            BenchCase(name: "tiny ddim 50 steps cfg", isHuge: true) {
                SharedUNet.release()
                let folder = try DiffusersFolder(url: tinyFixture)
                let unet = try UNet2DConditionModel(configuration: folder.unetConfiguration())
                unet.randomizeParameters(seed: 0)
                let start = seeded([1, 4, 32, 32], 15), context = seeded([2, 77, 32], 16)
                let scheduler = try DDIMScheduler(steps: 50)
                return {
                    var x = start
                    for t in scheduler.timesteps {
                        let eps = try unet(concat([x, x], axis: 0), timestep: Float(t), encoderHiddenStates: context)
                        let halves = try eps.chunked(2, axis: 0)
                        let guided = try halves[0] + 7.5 * (halves[1] - halves[0])
                        x = try scheduler.step(modelOutput: guided, timestep: t, sample: x)
                    }
                }
            },
        ]
    }

    static func unetForward(batch: Int) throws -> () throws -> Void {
        let unet = try SharedUNet.sd15()
        let latent = seeded([batch, 4, 64, 64], 11), context = seeded([batch, 77, 768], 12)
        return { _ = try unet(latent, timestep: 981, encoderHiddenStates: context) }
    }

    /// E = mean(up_blocks[1] output²) + mean(up_blocks[2] output²) and dE/dlatent: editing
    /// guidance's shape of work.
    static func decoderEnergyGradient(_ unet: UNet2DConditionModel, latent: Tensor, context: Tensor, timestep: Float)
        -> () throws -> Void
    {
        return {
            let tape = GradientTape()
            let x = tape.watch(latent)
            let features = try unet.upBlockFeatures(x, timestep: timestep, encoderHiddenStates: context, blocks: [1, 2])
            let energy = try features[0].squared().mean() + features[1].squared().mean()
            _ = try tape.gradient(of: energy, wrt: x)
        }
    }

    /// The tiny SD-1.x fixture folder (configs only are read), relative to the package root.
    static var tinyFixture: URL { URL(fileURLWithPath: "Tests/Fixtures/engine/tiny-sd") }
}

/// The UNet the current rows share, built once (building or loading it is not timed) and released
/// before rows that use another, so a row's peak memory holds one UNet at most.
enum SharedUNet {
    // Used only by the benchmark's thread, which sets up the rows one after another.
    nonisolated(unsafe) private static var model: (name: String, unet: UNet2DConditionModel)?

    /// The UNet called `name`, made by `make` unless it is the one held.
    static func named(_ name: String, _ make: () throws -> UNet2DConditionModel) rethrows -> UNet2DConditionModel {
        if let model, model.name == name { return model.unet }
        model = nil
        let unet = try make()
        model = (name, unet)
        return unet
    }

    /// SD-1.5's UNet with seeded random weights.
    static func sd15() throws -> UNet2DConditionModel {
        try named("sd15") {
            let unet = try UNet2DConditionModel(configuration: .init())
            unet.randomizeParameters(seed: 0)
            return unet
        }
    }

    static func release() { model = nil }
}

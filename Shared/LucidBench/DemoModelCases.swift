/// Benchmark rows for the shipped demo model (`Models/demo-world`, its trained weights): the passes
/// one drag edit is made of, at the model's native 32×32 latent, each mirrored in the PyTorch twin.
/// They split the edit benchmark's Swift/PyTorch ratio by kind of pass.
import Foundation
import LucidModels
import LucidTensor

extension BenchCase {
    /// The demo-model rows, in table order (they share one UNet instance).
    public static var demoModelCases: [BenchCase] {
        [
            // An inversion step: the conditional UNet alone.
            BenchCase(name: "demo unet fwd 32x32 b1") { try demoUNetForward(batch: 1) },
            // A guided sampling step's batch: unconditional, target and source prompts.
            BenchCase(name: "demo unet fwd 32x32 b3") { try demoUNetForward(batch: 3) },
            // Editing guidance: decoder features of blocks 1 and 2 and their energy's gradient.
            BenchCase(name: "demo unet fwd+grad decoder energy b1") {
                let unet = try SharedDemoModel.unet()
                let latent = seeded([1, 4, 32, 32], 21), context = seeded([1, 32, 128], 22)
                return {
                    let tape = GradientTape()
                    let x = tape.watch(latent)
                    let features = try unet.upBlockFeatures(x, timestep: 500, encoderHiddenStates: context, blocks: [1, 2])
                    let energy = try features[0].squared().mean() + features[1].squared().mean()
                    _ = try tape.gradient(of: energy, wrt: x)
                }
            },
            // Quality guidance: the discriminator's ∇_z log D.
            BenchCase(name: "demo discriminator score+grad b1") {
                SharedDemoModel.release()
                let discriminator = try LatentDiscriminator(folder: demoModel.appendingPathComponent("discriminator"))
                let latent = seeded([1, 4, 32, 32], 23)
                return { _ = try discriminator.score(latent, timesteps: [500]) }
            },
        ]
    }

    static func demoUNetForward(batch: Int) throws -> () throws -> Void {
        let unet = try SharedDemoModel.unet()
        let latent = seeded([batch, 4, 32, 32], 21), context = seeded([batch, 32, 128], 22)
        return { _ = try unet(latent, timestep: 500, encoderHiddenStates: context) }
    }

    /// The demo model's diffusers folder, relative to the package root.
    static var demoModel: URL { URL(fileURLWithPath: "Models/demo-world") }
}

/// The demo model's UNet, loaded once for its rows (loading is not timed).
enum SharedDemoModel {
    // Used only by the benchmark's thread, which sets up the rows one after another.
    nonisolated(unsafe) private static var model: UNet2DConditionModel?

    static func unet() throws -> UNet2DConditionModel {
        if let model { return model }
        SharedUNet.release()
        let folder = try DiffusersFolder(url: BenchCase.demoModel)
        let unet = try UNet2DConditionModel(configuration: folder.unetConfiguration(), checkpoint: folder.weights(for: "unet"))
        model = unet
        return unet
    }

    static func release() { model = nil }
}

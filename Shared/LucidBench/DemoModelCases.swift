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
                decoderEnergyGradient(try demoUNet(), latent: seeded([1, 4, 32, 32], 21),
                                      context: seeded([1, 32, 128], 22), timestep: 500)
            },
            // The demo UNet's 3×3 convolutions at its three resolutions, at a sampling step's batch.
            demoConvolution(channels: 64, side: 32),
            demoConvolution(channels: 64, side: 16),
            demoConvolution(channels: 128, side: 8),
            // Quality guidance: the discriminator's ∇_z log D.
            BenchCase(name: "demo discriminator score+grad b1") {
                SharedUNet.release()
                let discriminator = try LatentDiscriminator(folder: demoModel.appendingPathComponent("discriminator"))
                let latent = seeded([1, 4, 32, 32], 23)
                return { _ = try discriminator.score(latent, timesteps: [500]) }
            },
        ]
    }

    /// A 3×3 convolution, `channels` in and out, of a batch of 2 `side`×`side` images (seeded weights).
    static func demoConvolution(channels: Int, side: Int) -> BenchCase {
        BenchCase(name: "demo conv3x3 \(channels)ch \(side)x\(side) b2") {
            let x = seeded([2, channels, side, side], 31), w = seeded([channels, channels, 3, 3], 32, std: 0.05)
            let b = seeded([channels], 33)
            return { _ = try conv2d(x, weight: w, bias: b, padding: Padding2D(1)) }
        }
    }

    static func demoUNetForward(batch: Int) throws -> () throws -> Void {
        let unet = try demoUNet()
        // One latent in every row, as the sampler passes it; a prompt per row.
        let latent = try seeded([1, 4, 32, 32], 21).broadcast(to: [batch, 4, 32, 32])
        let context = seeded([batch, 32, 128], 22)
        return { _ = try unet(latent, timestep: 500, encoderHiddenStates: context) }
    }

    /// The demo model's UNet with its trained weights.
    static func demoUNet() throws -> UNet2DConditionModel {
        try SharedUNet.named("demo") {
            let folder = try DiffusersFolder(url: demoModel)
            return try UNet2DConditionModel(configuration: folder.unetConfiguration(), checkpoint: folder.weights(for: "unet"))
        }
    }

    /// The demo model's diffusers folder, relative to the package root.
    static var demoModel: URL { URL(fileURLWithPath: "Models/demo-world") }
}

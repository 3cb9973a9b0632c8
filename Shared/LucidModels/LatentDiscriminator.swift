/// `LatentDiscriminator`: the noise-aware fidelity classifier `D(z_t, t)` of quality guidance
/// (method.md §3; the form of "Discriminator Guidance", Kim et al. 2023). Built from the UNet's own
/// parts — `TimestepEmbedding`, `ResnetBlock2D` — under the key names of
/// `tools/demoworld/train/discriminator.py`.
import Foundation
import LucidTensor

/// The discriminator's verdict on a batch of noisy latents.
public struct DiscriminatorScore {
    /// The logit of "a noised clean, artefact-free image", one per latent.
    public let logits: [Float]
    /// `log D = log σ(logit)`, one per latent.
    public let logProbabilities: [Float]
    /// `∇_z Σ log D`, the shape of the latents (each latent's own gradient, as they do not interact).
    public let gradient: Tensor
}

/// `conv_in → (ResnetBlock2D, stride-2 conv)… → GroupNorm → SiLU → spatial mean → head`.
public final class LatentDiscriminator: Module {
    public let configuration: LatentDiscriminatorConfiguration
    @Child(key: "time_embedding") public var timeEmbedding: TimestepEmbedding
    @Child(key: "conv_in") public var convIn: Conv2d
    @Child public var blocks: [ResnetBlock2D]
    /// One stride-2 convolution after each block but the last.
    @Child public var downsamplers: [Conv2d]
    @Child(key: "norm_out") public var normOut: GroupNorm
    @Child public var head: Linear

    /// The discriminator described by `configuration`, with placeholder weights.
    /// - Throws: `ConfigurationError` for an unsupported configuration.
    public init(configuration: LatentDiscriminatorConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        super.init()
        let c = configuration
        timeEmbedding = TimestepEmbedding(inputs: c.timeFreqDim, width: c.timeEmbedDim)
        convIn = Conv2d(c.inChannels, c.blockOutChannels[0], kernel: 3, padding: 1)
        var previous = c.blockOutChannels[0]
        blocks = c.blockOutChannels.map { channels in
            defer { previous = channels }
            return ResnetBlock2D(inputs: previous, outputs: channels, timeEmbeddingChannels: c.timeEmbedDim,
                                 groups: c.normNumGroups, eps: c.normEps)
        }
        downsamplers = c.blockOutChannels.dropLast().map { Conv2d($0, $0, kernel: 3, stride: 2, padding: 1) }
        normOut = GroupNorm(groups: c.normNumGroups, channels: c.blockOutChannels.last!, eps: c.normEps)
        head = Linear(c.blockOutChannels.last!, 1)
    }

    /// The discriminator saved in `folder` (`config.json` and `diffusion_pytorch_model.safetensors`
    /// or `model.safetensors`).
    /// - Throws: `DiffusersFolderError` for a missing or unreadable file, `ConfigurationError`,
    ///   `SafetensorsError` or `WeightLoadingError` for bad contents.
    public convenience init(folder: URL) throws {
        let configuration = try DiffusersFolder.configuration(
            LatentDiscriminatorConfiguration.self, path: folder.appendingPathComponent("config.json").path)
        let names = ["diffusion_pytorch_model.safetensors", "model.safetensors"]
        guard let weights = names.map({ folder.appendingPathComponent($0).path })
            .first(where: { FileManager.default.fileExists(atPath: $0) })
        else { throw DiffusersFolderError.missingWeights(component: "discriminator", folder: folder.path, tried: names) }
        try self.init(configuration: configuration)
        try load(from: SafetensorsFile(path: weights))
    }

    /// Logits `[B]` for latents `[B, in, H, W]` at `timesteps` (one per latent, or one for all).
    public func callAsFunction(_ latents: Tensor, timesteps: [Float]) throws -> Tensor {
        let c = configuration
        guard latents.rank == 4, latents.shape[1] == c.inChannels else {
            throw TensorError.shapeMismatch("discriminator: latents \(latents.shape) are not [B, \(c.inChannels), H, W]")
        }
        let batch = latents.shape[0]
        guard timesteps.count == batch || timesteps.count == 1 else {
            throw TensorError.shapeMismatch("discriminator: \(timesteps.count) timesteps for \(batch) latents")
        }
        let perLatent = timesteps.count == batch ? timesteps : Array(repeating: timesteps[0], count: batch)
        let features = sinusoidalTimestepFeatures(perLatent, width: c.timeFreqDim, flipSinToCos: true)
        let activatedTime = silu(try timeEmbedding(features))
        var h = try convIn(latents)
        for (i, block) in blocks.enumerated() {
            h = try block(h, activatedTimeEmbedding: activatedTime)
            if i < downsamplers.count { h = try downsamplers[i](h) }
        }
        let pooled = try normOut(h, activation: .silu).mean(axes: [2, 3])
        return try head(pooled).reshaped([batch])
    }

    /// Logits, `log D` and `∇_z Σ log D` for latents `[B, in, H, W]` at `timesteps`.
    public func score(_ latents: Tensor, timesteps: [Float]) throws -> DiscriminatorScore {
        let tape = GradientTape()
        let z = tape.watch(latents)
        let logitTensor = try self(z, timesteps: timesteps)
        let logits = logitTensor.scalars
        // d log σ(x) / dx = σ(−x), the seed of the backward pass.
        let seed = try Tensor(shape: [logits.count], values: logits.map { 1 / (1 + Foundation.exp($0)) })
        let gradient = try tape.gradient(of: logitTensor, wrt: z, seed: seed)
        return DiscriminatorScore(logits: logits, logProbabilities: logits.map(Self.logSigmoid), gradient: gradient)
    }

    /// `log σ(x)` without overflow: `log D` from a logit.
    public static func logSigmoid(_ x: Float) -> Float {
        x >= 0 ? -Foundation.log1p(Foundation.exp(-x)) : x - Foundation.log1p(Foundation.exp(x))
    }
}

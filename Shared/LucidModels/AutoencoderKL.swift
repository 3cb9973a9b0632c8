/// `AutoencoderKL`: Stable Diffusion's KL-regularised image autoencoder (Rombach et al. 2022),
/// diffusers' module tree and key names. `encode` gives the latent distribution and `decode` maps
/// a latent back to an image; neither applies `scaling_factor` — the pipeline multiplies encoded
/// latents by `configuration.scalingFactor` and divides by it before decoding.
import LucidTensor

/// The diagonal Gaussian `N(mean, exp(logVariance))` an image encodes to, per latent element.
public struct DiagonalGaussianDistribution {
    public let mean: Tensor
    /// Log-variance, clamped to [-30, 20] as in diffusers.
    public let logVariance: Tensor

    /// Splits `moments` (`[B, 2·C, H, W]`, the `quant_conv` output) into mean and log-variance.
    public init(moments: Tensor) throws {
        guard moments.rank == 4, moments.shape[1] % 2 == 0 else {
            throw TensorError.shapeMismatch("DiagonalGaussianDistribution: moments \(moments.shape) are not [B, 2C, H, W]")
        }
        let halves = try moments.chunked(2, axis: 1)
        mean = halves[0]
        logVariance = halves[1].clamped(min: -30, max: 20)
    }

    /// The standard deviation, `exp(logVariance / 2)`.
    public var standardDeviation: Tensor { (0.5 * logVariance).exp() }

    /// The distribution's mode (its mean).
    public var mode: Tensor { mean }

    /// `mean + σ·noise` with the caller's standard-normal `noise` (same shape as `mean`).
    public func sample(noise: Tensor) throws -> Tensor {
        guard noise.shape == mean.shape else {
            throw TensorError.shapeMismatch("DiagonalGaussianDistribution: noise \(noise.shape) for mean \(mean.shape)")
        }
        return try mean + standardDeviation * noise
    }
}

/// Encoder, decoder and the 1×1 `quant_conv`/`post_quant_conv` between them and the latent.
public final class AutoencoderKL: Module {
    /// The configuration the tree was built from (its `scalingFactor` is for the caller).
    public let configuration: AutoencoderKLConfiguration
    @Child public var encoder: VAEEncoder
    @Child public var decoder: VAEDecoder
    @Child(key: "quant_conv") public var quantConv: Conv2d?
    @Child(key: "post_quant_conv") public var postQuantConv: Conv2d?

    /// The autoencoder described by `configuration`, with placeholder weights (see `load(from:)`,
    /// `randomizeParameters(seed:)`).
    /// - Throws: `ConfigurationError` for an unsupported configuration.
    public init(configuration: AutoencoderKLConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        super.init()
        let moments = 2 * configuration.latentChannels
        encoder = VAEEncoder(configuration: configuration)
        decoder = VAEDecoder(configuration: configuration)
        quantConv = configuration.useQuantConv ? Conv2d(moments, moments, kernel: 1) : nil
        postQuantConv = configuration.usePostQuantConv
            ? Conv2d(configuration.latentChannels, configuration.latentChannels, kernel: 1) : nil
    }

    /// The autoencoder described by `configuration` with the weights of `checkpoint`.
    /// - Throws: `ConfigurationError` or `WeightLoadingError`.
    public convenience init(configuration: AutoencoderKLConfiguration, checkpoint: WeightSource) throws {
        try self.init(configuration: configuration)
        try load(from: checkpoint)
    }

    /// The latent distribution of `image` (`[B, in, H, W]`, values in [-1, 1]; H, W divisible by
    /// 2^(blocks−1)).
    public func encode(_ image: Tensor) throws -> DiagonalGaussianDistribution {
        let c = configuration
        guard image.rank == 4, image.shape[1] == c.inChannels else {
            throw TensorError.shapeMismatch("VAE encode: image \(image.shape) is not [B, \(c.inChannels), H, W]")
        }
        var moments = try encoder(image)
        if let quantConv { moments = try quantConv(moments) }
        return try DiagonalGaussianDistribution(moments: moments)
    }

    /// The image (`[B, out, H·f, W·f]`, about [-1, 1]) of an unscaled `latent` (`[B, latent, H, W]`).
    public func decode(_ latent: Tensor) throws -> Tensor {
        let c = configuration
        guard latent.rank == 4, latent.shape[1] == c.latentChannels else {
            throw TensorError.shapeMismatch("VAE decode: latent \(latent.shape) is not [B, \(c.latentChannels), H, W]")
        }
        let z = try postQuantConv.map { try $0(latent) } ?? latent
        return try decoder(z)
    }
}

/// An LPIPS-like perceptual distance (Zhang et al., CVPR 2018) whose network is the demo model's
/// own VAE encoder, so that nothing is downloaded: each image's feature pyramid (every down block and
/// the mid block) is unit-normalised along the channels at each position, and the distance is the
/// squared difference summed over channels, averaged over positions and then over the layers. LPIPS
/// weighs each channel with weights learned from human judgements; without them this is LPIPS's
/// uncalibrated form, which that paper found already agrees with people's judgements more often
/// than PSNR or SSIM do. The encoder was trained on the demo world's pictures, whose shapes and
/// colours it has to keep, so its features are the ones that matter there. 0 for identical images,
/// at most 4.
import LucidEditing
import LucidImage
import LucidTensor

/// Perceptual distances between pictures of the same size.
public struct PerceptualDistance {
    /// The model whose VAE encoder gives the features.
    public let model: EditingModel

    public init(model: EditingModel) {
        self.model = model
    }

    /// The unit-normalised feature pyramid of one image, `[1, C_l, h_l, w_l]` per layer.
    public struct Features {
        public let layers: [Tensor]
    }

    /// The features of `image` at the model's native size.
    public func features(_ image: RasterImage) throws -> Features {
        let pixels = try LatentBridge(model: model).nativePixels(image)
        return Features(layers: try model.vae.encoder.blockFeatures(pixels).map { layer in
            try layer / (layer.squared().sum(axes: [1], keepingDimensions: true).sqrt() + 1e-10)
        })
    }

    /// The distance between two images' features (of images of the same size).
    public func distance(_ a: Features, _ b: Features) throws -> Double {
        guard a.layers.count == b.layers.count, !a.layers.isEmpty else {
            throw EditBenchError.invalid("perceptual features of different networks")
        }
        var total = 0.0
        for (x, y) in zip(a.layers, b.layers) {
            total += Double(try (x - y).squared().sum(axes: [1]).mean().item())
        }
        return total / Double(a.layers.count)
    }
}

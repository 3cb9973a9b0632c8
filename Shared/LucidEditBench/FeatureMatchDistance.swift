/// A DIFT-style point distance (method.md §4, "Mean Distance") with our own UNet's features: each
/// image is encoded, noised to one timestep with a fixed ensemble of noises, passed through the UNet
/// with the empty prompt, and the output of one decoder block, averaged over the ensemble and resized
/// to the image, is its feature map. For each pair, the source image's feature at the handle is
/// matched (cosine argmax) in the edited image's features; the distance from the match to the target
/// is averaged over the pairs. DIFT (Tang et al., 2023) uses SD-2.1 at t = 261, decoder block 1, an
/// ensemble of 8; we keep those numbers on the demo model.
import LucidEditing
import LucidModels
import LucidReasoning
import LucidTensor

/// Dense features of images and the matching distance of drags.
public struct FeatureMatchDistance {
    /// The model whose VAE and UNet give the features.
    public let model: EditingModel
    /// The timestep the latents are noised to.
    public var timestep = 261
    /// The decoder block whose output is the feature map.
    public var block = 1
    /// Noises averaged over.
    public var ensemble = 8
    /// Seeds the ensemble's noise, the same for every image.
    public var seed: UInt64 = 261
    private let context: Tensor

    public init(model: EditingModel) throws {
        self.model = model
        context = try model.encode(prompts: [""])
    }

    /// Feature maps of one image at its own size: `[C, height·width]`, row-major pixels.
    public struct Features {
        /// Feature channels and the image's size.
        public let channels: Int, width: Int, height: Int
        /// Channel-major values, `channels × height × width`.
        public let values: [Float]

        /// The feature vector of the pixel nearest `point`.
        func vector(at point: PixelPoint) -> [Float] {
            let x = min(width - 1, max(0, Int(point.x.rounded()))), y = min(height - 1, max(0, Int(point.y.rounded())))
            return (0..<channels).map { values[$0 * width * height + y * width + x] }
        }
    }

    /// The features of a `width`×`height` image from its latent `z0` (``LatentBridge/encode(_:)``).
    public func features(latent z0: Tensor, width: Int, height: Int) throws -> Features {
        let scheduler = try DDIMScheduler(steps: 50, configuration: model.schedulerConfiguration)
        let alpha = try scheduler.alphaCumprod(at: timestep)
        var generator = SeededGenerator(seed: seed)
        let noised = try (0..<ensemble).map { _ in
            try z0 * alpha.squareRoot() + Tensor.randomNormal(z0.shape, generator: &generator) * (1 - alpha).squareRoot()
        }
        let output = try model.unet.upBlockFeatures(
            concat(noised, axis: 0), timestep: Float(timestep),
            encoderHiddenStates: concat(Array(repeating: context, count: ensemble), axis: 0), blocks: [block])[0]
        let mean = try output.mean(axes: [0], keepingDimensions: true)
        let sized = try resize(mean, height: height, width: width, mode: .bilinear)
        return Features(channels: sized.shape[1], width: width, height: height, values: sized.scalars)
    }

    /// The mean over `pairs` of the distance (pixels) from each handle's best match in `edited` to
    /// its target; `source` are the input image's features.
    public func distance(source: Features, edited: Features, pairs: [LucidReasoning.DragPair]) -> Double {
        let plane = edited.width * edited.height
        var norms = [Float](repeating: 0, count: plane)
        for c in 0..<edited.channels {
            for p in 0..<plane { norms[p] += edited.values[c * plane + p] * edited.values[c * plane + p] }
        }
        let total = pairs.map { pair -> Double in
            let query = source.vector(at: pair.handle)
            var dots = [Float](repeating: 0, count: plane)
            for c in 0..<edited.channels {
                let q = query[c]
                for p in 0..<plane { dots[p] += q * edited.values[c * plane + p] }
            }
            var best = 0, bestScore = -Float.infinity
            for p in 0..<plane {
                let score = dots[p] / max(norms[p].squareRoot(), 1e-8)
                if score > bestScore { (best, bestScore) = (p, score) }
            }
            let dx = Double(best % edited.width) - pair.target.x, dy = Double(best / edited.width) - pair.target.y
            return (dx * dx + dy * dy).squareRoot()
        }
        return total.reduce(0, +) / Double(max(1, pairs.count))
    }
}

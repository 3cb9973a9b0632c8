/// Quality guidance (method.md §2, step 4; classifier guidance after "Discriminator Guidance", Kim
/// et al. 2023): the gradient of log D(z_t, t), where D is the fidelity discriminator's probability
/// that z_t is a noised clean image. It comes from the discriminator in this process or, through
/// the bus, from the Discriminator service.
import Foundation
import LucidModels
import LucidTensor

/// The discriminator's answer for one latent.
public struct QualityScore: Sendable {
    /// The discriminator's logit.
    public let logit: Float
    /// ∇_z log D, the latent's shape.
    public let gradient: Tensor

    public init(logit: Float, gradient: Tensor) {
        self.logit = logit
        self.gradient = gradient
    }
}

/// Scores a latent `[1, C, H, W]` at a timestep. Called from the sampling thread, so it blocks.
public protocol QualityGuide: Sendable {
    /// The answer for `latent` at `timestep`, or a thrown error when it cannot be had.
    func score(_ latent: Tensor, timestep: Int) throws -> QualityScore
}

/// The discriminator in this process.
///
/// Sendable because the discriminator's weights are only read once loaded: a forward or backward
/// pass keeps its state in its own tensors and tape.
public final class LocalQualityGuide: QualityGuide, @unchecked Sendable {
    public let discriminator: LatentDiscriminator

    public init(discriminator: LatentDiscriminator) { self.discriminator = discriminator }

    public func score(_ latent: Tensor, timestep: Int) throws -> QualityScore {
        let score = try discriminator.score(latent, timesteps: [Float(timestep)])
        return QualityScore(logit: score.logits[0], gradient: score.gradient)
    }
}

/// `ScoreInput`: a lucid.v1.ScoreRequest checked against the discriminator that is to answer it,
/// with a message that says what to fix for each way a request can be wrong.
import LucidModels
import LucidProto
import LucidTensor

/// The latents and timesteps of a valid Score request.
struct ScoreInput {
    let latents: Tensor
    let timesteps: [Float]
    let wantGradient: Bool

    /// Checks `request` against `scorer`: the latent is `[B, C, H, W]` with `C` the model's input
    /// channels, `H` and `W` multiples of `scorer.sideMultiple`, `product(shape) × 4` bytes, all
    /// finite; one timestep per latent or one for all, each in `[0, num_train_timesteps − 1]`.
    /// - Throws: `ScoreRequestError` naming the first problem.
    init(_ request: Lucid_V1_ScoreRequest, for scorer: DiscriminatorScorer) throws {
        let model = scorer.identity.description
        let config = scorer.configuration
        guard request.hasLatent else { throw ScoreRequestError("the request has no latent") }
        let shape = request.latent.shape
        guard shape.count == 4 else {
            throw ScoreRequestError(
                "latent has shape \(shape); discriminator \(model) takes [B, \(config.inChannels), H, W]")
        }
        guard shape.allSatisfy({ $0 >= 1 }) else {
            throw ScoreRequestError("latent has shape \(shape); every dimension must be at least 1")
        }
        guard shape[1] == config.inChannels else {
            throw ScoreRequestError("latent has \(shape[1]) channels; discriminator \(model) takes \(config.inChannels)")
        }
        let multiple = Int64(scorer.sideMultiple)
        guard shape[2] % multiple == 0, shape[3] % multiple == 0 else {
            throw ScoreRequestError(
                "latent is \(shape[2])×\(shape[3]); discriminator \(model) takes H and W that are multiples of \(multiple)")
        }
        latents = try Tensor(request.latent)
        let batch = Int(shape[0])
        guard request.timesteps.count == batch || request.timesteps.count == 1 else {
            throw ScoreRequestError(
                "\(request.timesteps.count) timesteps for a batch of \(batch); give one per latent or a single one for all")
        }
        let last = Int32(config.numTrainTimesteps - 1)
        if let outside = request.timesteps.first(where: { !(0...last).contains($0) }) {
            throw ScoreRequestError("timestep \(outside) is outside [0, \(last)]")
        }
        timesteps = request.timesteps.map(Float.init)
        wantGradient = request.wantGradient
    }
}

/// A Score request the discriminator cannot answer, and what to fix (INVALID_ARGUMENT for callers).
struct ScoreRequestError: Error, CustomStringConvertible, Equatable {
    let description: String

    init(_ description: String) { self.description = description }
}

/// lucid.v1.Discriminator.Score on a ServiceWorker: check the request against the loaded
/// discriminator, score it on the scorer's own thread, answer with the model's identity.
import Logging
import LucidBus
import LucidProto

extension ServiceWorker {
    /// Serves "Score" with `scorer`. A request the discriminator cannot answer (wrong shape, channel
    /// count or size, wrong byte count, NaN or infinity, wrong number of timesteps, a timestep out of
    /// range) gets INVALID_ARGUMENT naming the problem; the worker keeps serving either way.
    public func serveDiscriminator(_ scorer: DiscriminatorScorer) {
        register(method: "Score") { (request: Lucid_V1_ScoreRequest, context) -> Lucid_V1_ScoreResponse in
            let input: ScoreInput
            do {
                input = try ScoreInput(request, for: scorer)
            } catch let error as ScoreRequestError {
                throw RPCError(code: .invalidArgument, message: error.description)
            }
            let started = ContinuousClock.now
            let result = try await scorer.score(input.latents, timesteps: input.timesteps, gradient: input.wantGradient)
            context.logger.debug("scored", metadata: [
                "shape": "\(input.latents.shape)", "gradient": "\(input.wantGradient)",
                "duration": "\(started.duration(to: .now))",
            ])
            var response = Lucid_V1_ScoreResponse()
            response.logits = result.logits
            response.logD = result.logProbabilities
            if let gradient = result.gradient { response.gradient = Lucid_V1_Tensor(gradient) }
            response.model = scorer.identity.description
            return response
        }
    }
}

/// Quality guidance through the bus: each score is a lucid.v1.Discriminator.Score call, so the
/// discriminator runs (and scales) as its own service. The sampling thread blocks on the answer.
import Foundation
import LucidBus
import LucidDiscriminatorService
import LucidEditing
import LucidProto
import LucidTensor
import Synchronization

/// Asks the Discriminator service for log D and its gradient.
public final class BusQualityGuide: QualityGuide, Sendable {
    private let client: RPCClient
    private let deadline: Duration
    private let traceID: String?

    /// - Parameter deadline: how long one Score may take; a discriminator that is down costs this
    ///   once, then the edit goes on without quality guidance and says so.
    public init(client: RPCClient, deadline: Duration = .seconds(3), traceID: String? = nil) {
        self.client = client
        self.deadline = deadline
        self.traceID = traceID
    }

    public func score(_ latent: Tensor, timestep: Int) throws -> QualityScore {
        var request = Lucid_V1_ScoreRequest()
        request.latent = Lucid_V1_Tensor(latent)
        request.timesteps = [Int32(timestep)]
        request.wantGradient = true
        let answer = Mutex<Result<Lucid_V1_ScoreResponse, Error>?>(nil)
        let semaphore = DispatchSemaphore(value: 0)
        Task { [client, deadline, traceID] in
            let result = await Result {
                try await client.call(service: "lucid.v1.Discriminator", method: "Score", request,
                                      returning: Lucid_V1_ScoreResponse.self, deadline: deadline, traceID: traceID)
            }
            answer.withLock { $0 = result }
            semaphore.signal()
        }
        semaphore.wait()
        let response = try answer.withLock { $0! }.get()
        guard let logit = response.logits.first else {
            throw RPCError(code: .internal, message: "the discriminator answered no logit")
        }
        let gradient = try Tensor(response.gradient)
        guard gradient.shape == latent.shape else {
            throw RPCError(code: .internal, message: "the discriminator's gradient is \(gradient.shape), the latent \(latent.shape)")
        }
        return QualityScore(logit: logit, gradient: gradient)
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

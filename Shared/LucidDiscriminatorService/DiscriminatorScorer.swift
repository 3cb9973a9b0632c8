/// `DiscriminatorScorer`: the latent discriminator `D(z_t, t)` of quality guidance (method.md §3),
/// loaded once from a model folder and run on a thread of its own, so that a Score never occupies
/// the cooperative thread pool (which has only as many threads as cores).
import Dispatch
import Foundation
import LucidModels
import LucidTensor

/// A loaded discriminator, the identity of the weights it came from, and the thread it runs on.
///
/// Sendable because its fields never change and the model (a non-Sendable module) runs only on
/// `queue`, one score at a time.
public final class DiscriminatorScorer: @unchecked Sendable {
    /// The weights served, e.g. "demo-world@b4a0c66ecb571d55" (Health and every Score report it).
    public let identity: ModelIdentity
    /// The discriminator's `config.json`.
    public var configuration: LatentDiscriminatorConfiguration { discriminator.configuration }

    private let discriminator: LatentDiscriminator
    /// One score at a time, on one thread outside the cooperative pool.
    private let queue = DispatchQueue(label: "lucid.discriminator.score", qos: .userInitiated)

    /// Loads the discriminator of `folder`: its `discriminator/` sub-folder (a LucidDrag diffusers
    /// folder), or the folder itself when its `config.json` describes a `LatentDiscriminator`. The
    /// identity is that of every weight file under `folder`.
    /// - Throws: `DiscriminatorScorerError.noDiscriminator` when neither is there; the loader's
    ///   errors (`DiffusersFolderError`, `SafetensorsError`, …, each naming the file) for a damaged
    ///   folder; `ModelIdentityError` when the weights cannot be read.
    public init(folder: URL) throws {
        discriminator = try LatentDiscriminator(folder: Self.discriminatorFolder(in: folder))
        identity = try ModelIdentity(folder: folder)
    }

    /// The latent sides the discriminator takes must be multiples of this: each stride-2
    /// convolution between its blocks halves them exactly, as in training (4 for the demo model).
    public var sideMultiple: Int { 1 << (configuration.blockOutChannels.count - 1) }

    /// Logits, `log D` and, when `gradient` is true, `∇_z Σ log D` for latents `[B, C, H, W]` at
    /// `timesteps` (one per latent, or one for all). Runs on the scorer's own thread; the caller's
    /// task waits without holding a pool thread. Inputs are not checked here (see `ScoreInput`).
    public func score(_ latents: Tensor, timesteps: [Float], gradient: Bool) async throws -> ScoreResult {
        try Task.checkCancellation()
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                continuation.resume(with: Result {
                    if gradient {
                        let score = try discriminator.score(latents, timesteps: timesteps)
                        return ScoreResult(logits: score.logits, logProbabilities: score.logProbabilities,
                                           gradient: score.gradient)
                    }
                    let logits = try discriminator(latents, timesteps: timesteps).scalars
                    return ScoreResult(logits: logits, logProbabilities: logits.map(LatentDiscriminator.logSigmoid),
                                       gradient: nil)
                })
            }
        }
    }

    /// `folder/discriminator`, or `folder` itself when it is a discriminator's folder.
    private static func discriminatorFolder(in folder: URL) throws -> URL {
        let sub = folder.appendingPathComponent("discriminator")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: sub.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return sub
        }
        let config = folder.appendingPathComponent("config.json")
        if let data = FileManager.default.contents(atPath: config.path),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           object["_class_name"] as? String == "LatentDiscriminator" {
            return folder
        }
        throw DiscriminatorScorerError.noDiscriminator(folder: folder.path)
    }
}

/// What one Score computes.
public struct ScoreResult: Sendable {
    /// One logit per latent.
    public let logits: [Float]
    /// `log D = log σ(logit)`, one per latent.
    public let logProbabilities: [Float]
    /// `∇_z Σ log D`, the latents' shape; nil when not asked for.
    public let gradient: Tensor?
}

/// A folder the scorer cannot serve.
public enum DiscriminatorScorerError: Error, CustomStringConvertible, Equatable {
    /// Neither a `discriminator/` sub-folder nor a discriminator `config.json` in the folder.
    case noDiscriminator(folder: String)

    public var description: String {
        switch self {
        case .noDiscriminator(let folder):
            return "\(folder): no discriminator (neither a discriminator/ folder nor a config.json of a LatentDiscriminator)"
        }
    }
}

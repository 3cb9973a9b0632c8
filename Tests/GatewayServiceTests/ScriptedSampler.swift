/// ScriptedSampler: a stand-in lucid.v1.Sampler for the gateway tests. Its Edit streams `steps`
/// progress messages over `duration`, then returns an 8×8 PNG whose grey level names the intention's
/// kind, and records every call it got (seed, inversion prompt, when it ran, whether it was cancelled).
import Foundation
import LucidBus
import LucidImage
import LucidProto

/// Sendable because `recorded` is touched only under `lock`.
final class ScriptedSampler: @unchecked Sendable {
    /// One Edit call as the sampler saw it.
    struct Call: Sendable {
        let workerID: String
        let intention: Lucid_V1_Intention
        let options: Lucid_V1_SamplingOptions
        let started: ContinuousClock.Instant
        var ended: ContinuousClock.Instant?
        var cancelled = false
    }

    /// The progress messages each edit sends.
    static let steps: UInt32 = 3

    private let duration: Duration
    private let failing: Set<Lucid_V1_IntentionKind>
    private let lock = NSLock()
    private var recorded: [Call] = []

    /// Edits take `duration`; intentions of a `failing` kind fail with RESOURCE_EXHAUSTED.
    init(duration: Duration, failing: Set<Lucid_V1_IntentionKind> = []) {
        self.duration = duration
        self.failing = failing
    }

    /// The calls so far, in the order they started.
    var calls: [Call] { lock.withLock { recorded } }

    /// The grey level of the image made for `kind`.
    static func grey(for kind: Lucid_V1_IntentionKind) -> UInt8 { UInt8(30 * kind.rawValue) }

    /// The message an edit of a failing `kind` fails with.
    static func failure(for kind: Lucid_V1_IntentionKind) -> String { "scripted sampler: no memory left for \(kind)" }

    /// Registers Edit on `worker`, which reports `workerID` in its results.
    func serve(on worker: ServiceWorker, workerID: String) {
        worker.register(method: "Edit") { [self] (request: Lucid_V1_EditRequest, context) -> Lucid_V1_EditReply in
            let index = lock.withLock {
                recorded.append(Call(workerID: workerID, intention: request.intention, options: request.options, started: .now))
                return recorded.count - 1
            }
            defer { lock.withLock { recorded[index].ended = .now } }
            do {
                for step in 1...Self.steps {
                    try await Task.sleep(for: duration / Int(Self.steps))
                    var reply = Lucid_V1_EditReply()
                    reply.progress.stage = "sample"
                    reply.progress.step = step
                    reply.progress.totalSteps = Self.steps
                    try context.sendProgress(reply)
                }
            } catch is CancellationError {
                lock.withLock { recorded[index].cancelled = true }
                throw CancellationError()
            }
            if failing.contains(request.intention.kind) {
                throw RPCError(code: .resourceExhausted, message: Self.failure(for: request.intention.kind))
            }
            var reply = Lucid_V1_EditReply()
            let grey = Self.grey(for: request.intention.kind)
            reply.result.image = try RasterImage(width: 8, height: 8, format: .rgb, fill: [grey, grey, grey]).pngMessage()
            reply.result.qualityLogit = Float(request.intention.kind.rawValue) / 10
            reply.result.seed = request.options.seed
            reply.result.workerID = workerID
            reply.result.seconds = 0.5
            return reply
        }
    }
}

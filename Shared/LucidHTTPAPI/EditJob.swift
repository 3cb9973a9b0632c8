/// EditJob: one Gateway.Edit run for an HTTP client — what it has reported so far (intentions,
/// progress per intention, finished edits, the result or the error) and the events that said so,
/// replayed to each subscriber before the live ones.
import Foundation
import Logging
import LucidBus
import LucidImage
import LucidProto

actor EditJob {
    static let gatewayService = "lucid.v1.Gateway"

    nonisolated let id: String
    private let requestSeed: UInt64?
    private(set) var status: JobStatus = .queued
    private var intentions: [Lucid_V1_Intention] = []
    private var fellBack = false
    private var progress: [Int: ProgressView] = [:]
    private var edits: [Int: Lucid_V1_RankedEdit] = [:]
    private var result: Lucid_V1_GatewayEditResult?
    private var error: APIError?
    private var events: [ServerSentEvent] = []
    private var subscribers: [UUID: AsyncStream<ServerSentEvent>.Continuation] = [:]
    private var waitingForStart: [CheckedContinuation<Void, Error>] = []
    /// Whether the gateway answered with progress or a result (so it accepted the request).
    private var accepted = false

    init(id: String, request: Lucid_V1_GatewayEditRequest) {
        self.id = id
        requestSeed = request.options.hasSeed ? request.options.seed : nil
    }

    /// Calls Gateway.Edit through `client` and records what it streams until it ends. Cancelling
    /// the calling task cancels the call, and with it the samplers' edits.
    func run(_ request: Lucid_V1_GatewayEditRequest, client: RPCClient, deadline: Duration) async {
        let replies = client.stream(
            service: Self.gatewayService, method: "Edit", request,
            progress: Lucid_V1_GatewayEditReply.self, returning: Lucid_V1_GatewayEditReply.self,
            deadline: deadline, traceID: id)
        do {
            for try await reply in replies {
                switch reply {
                case .progress(let reply): record(reply.progress)
                case .result(let reply): finish(reply.result)
                }
            }
            if status.isActive { end(.cancelled, APIError(.cancelled, "the edit was cancelled")) }
        } catch let failure as RPCError {
            end(failure.code == .cancelled ? .cancelled : .failed, APIError(failure))
        } catch {
            end(.failed, APIError(.internal, "the edit failed: \(error)"))
        }
    }

    /// Returns once the gateway has accepted the request (its first progress); throws the
    /// gateway's refusal (e.g. INVALID_ARGUMENT naming what to fix) when it ended before that.
    func started() async throws {
        if accepted { return }
        guard status.isActive else { throw error ?? APIError(.internal, "the edit ended before it started") }
        try await withCheckedThrowingContinuation { waitingForStart.append($0) }
    }

    /// Marks the job cancelled at once (its runner, cancelled by the caller, stops the call).
    func cancel() {
        if status.isActive { end(.cancelled, APIError(.cancelled, "the edit was cancelled by DELETE")) }
    }

    /// The events so far, then the live ones; the stream ends after "done" or "error".
    func subscribe() -> AsyncStream<ServerSentEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ServerSentEvent.self)
        for event in events { continuation.yield(event) }
        if status.isActive {
            let key = UUID()
            subscribers[key] = continuation
            continuation.onTermination = { _ in Task { await self.unsubscribe(key) } }
        } else {
            continuation.finish()
        }
        return stream
    }

    /// The finished edit of rank `rank` (1 = best), if it has arrived.
    func edit(rank: Int) -> Lucid_V1_RankedEdit? { edits[rank - 1] }

    /// Every edit that has arrived (finished or failed).
    var finishedEdits: [Lucid_V1_RankedEdit] { Array(edits.values) }

    /// `GET /v1/edits/{id}`.
    var view: JobView {
        JobView(
            id: id, status: status, seed: result?.seed ?? requestSeed,
            intentions: intentions.enumerated().map { IntentionView(index: $0, $1) },
            progress: progress.keys.sorted().compactMap { progress[$0] },
            edits: edits.keys.sorted().compactMap { edits[$0].map { EditView(jobID: id, $0) } },
            error: error?.body,
            regionDescription: result.map(\.regionDescription),
            reasonerBackend: result.map(\.reasonerBackend),
            fellBack: result?.fellBack ?? fellBack,
            seconds: result?.seconds)
    }

    // MARK: Recording

    private func record(_ update: Lucid_V1_GatewayProgress) {
        guard status.isActive else { return }
        markRunning()
        let index = Int(update.intentionIndex)
        switch update.stage {
        case "intentions":
            intentions = update.intentions
            fellBack = update.fellBack
            publish(ServerSentEvent("intentions", IntentionsEvent(
                intentions: intentions.enumerated().map { IntentionView(index: $0, $1) }, fellBack: fellBack)))
        case "edit":
            let step = ProgressView(intention: index, stage: update.message, step: update.step, total: update.totalSteps,
                                    preview: update.hasPreview ? Self.dataURL(update.preview) : nil)
            progress[index] = step
            publish(ServerSentEvent("progress", step))
        case "edited":
            edits[index] = update.edit
            publish(ServerSentEvent("edited", EditView(jobID: id, update.edit)))
        default:
            break
        }
    }

    private func finish(_ final: Lucid_V1_GatewayEditResult) {
        guard status.isActive else { return }
        markRunning()
        result = final
        for (index, edit) in final.edits.enumerated() { edits[index] = edit }
        status = .done
        publish(ServerSentEvent("done", view))
        close()
    }

    private func end(_ final: JobStatus, _ failure: APIError) {
        guard status.isActive else { return }
        status = final
        error = failure
        publish(ServerSentEvent("error", failure.body))
        for waiter in waitingForStart { waiter.resume(throwing: failure) }
        waitingForStart = []
        close()
    }

    private func markRunning() {
        guard !accepted else { return }
        accepted = true
        status = .running
        for waiter in waitingForStart { waiter.resume() }
        waitingForStart = []
    }

    /// A preview as a `data:image/png;base64,…` URL a page can show at once (nil if it is not a PNG).
    private static func dataURL(_ image: Lucid_V1_Image) -> String? {
        guard case .encoded(let bytes)? = image.content, ImageFileFormat.sniff(bytes) == .png else { return nil }
        return "data:image/png;base64," + bytes.base64EncodedString()
    }

    private func publish(_ event: ServerSentEvent) {
        events.append(event)
        for subscriber in subscribers.values { subscriber.yield(event) }
    }

    private func close() {
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers = [:]
    }

    private func unsubscribe(_ key: UUID) {
        subscribers[key] = nil
    }
}

/// The data of an "intentions" event.
struct IntentionsEvent: Encodable {
    let intentions: [IntentionView]
    let fellBack: Bool
}

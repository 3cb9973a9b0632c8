/// GatewayEdit: one Gateway.Edit from request to ranked result — the intentions (the caller's, or the
/// reasoner's), then one sampler edit per intention, all in parallel, their progress forwarded as it
/// comes (method.md §1–2: every intention is sampled with the same seed from the same inversion).
import Foundation
import LucidBus
import LucidProto

/// The intentions one request edits, best first, and where they came from.
struct ResolvedIntentions {
    var intentions: [Lucid_V1_Intention]
    var regionDescription = ""
    /// The reasoner backend that answered, or "caller" when the request gave the intentions.
    var backend: String
    var fellBack = false
    var fallbackReason = ""
}

/// Serves one Gateway.Edit call: `client` reaches the reasoner and samplers, `context` the caller.
struct GatewayEdit {
    static let reasonerService = "lucid.v1.Reasoner"
    static let samplerService = "lucid.v1.Sampler"
    /// `ResolvedIntentions.backend` when the request gave its own intentions.
    static let callerBackend = "caller"

    let client: RPCClient
    let settings: GatewaySettings
    let context: RPCContext

    /// Validates, resolves the intentions, runs every edit and returns the result, rank 1 = best.
    /// A failed edit is a status in the result, not a failure of the call.
    func run(_ request: Lucid_V1_GatewayEditRequest) async throws -> Lucid_V1_GatewayEditResult {
        let started = ContinuousClock.now
        try request.validate()
        let resolved = try await intentions(for: request)
        try context.sendProgress(Lucid_V1_GatewayEditReply.intentions(resolved.intentions, fellBack: resolved.fellBack))
        let options = Self.samplingOptions(request, intentions: resolved.intentions)
        let edits = await editAll(request, intentions: resolved.intentions, options: options)
        try Task.checkCancellation()

        var result = Lucid_V1_GatewayEditResult()
        result.edits = edits
        result.regionDescription = resolved.regionDescription
        result.reasonerBackend = resolved.backend
        result.fellBack = resolved.fellBack
        result.fallbackReason = resolved.fallbackReason
        result.seed = options.seed
        result.seconds = started.duration(to: .now).seconds
        context.logger.info("edit finished", metadata: [
            "intentions": "\(edits.count)", "failed": "\(edits.filter { !$0.succeeded }.count)",
            "seconds": "\(result.seconds)",
        ])
        return result
    }

    // MARK: Intentions

    /// The caller's intentions when it gave any, else the reasoner's answer; best first either way.
    private func intentions(for request: Lucid_V1_GatewayEditRequest) async throws -> ResolvedIntentions {
        if !request.intentions.isEmpty {
            return ResolvedIntentions(intentions: request.intentions.rankedByConfidence(), backend: Self.callerBackend)
        }
        try context.sendProgress(Lucid_V1_GatewayEditReply.progress(.reason))
        var question = Lucid_V1_ReasonRequest()
        question.image = request.image
        question.mask = request.mask
        question.pairs = request.pairs
        question.caption = request.caption
        question.numIntentions = request.numIntentions == 0 ? UInt32(GatewaySettings.defaultIntentions) : request.numIntentions
        let answer: Lucid_V1_ReasonResponse
        do {
            answer = try await client.call(
                service: Self.reasonerService, method: "Reason", question,
                deadline: reasonDeadline, traceID: context.traceID)
        } catch let error as RPCError {
            throw RPCError(code: error.code, message: "the reasoner could not read the drag: \(error.message)")
        }
        guard !answer.intentions.isEmpty else {
            throw RPCError(code: .internal, message: "the reasoner (\(answer.backend)) answered no intentions")
        }
        return ResolvedIntentions(
            intentions: answer.intentions.rankedByConfidence(), regionDescription: answer.regionDescription,
            backend: answer.backend, fellBack: answer.fellBack, fallbackReason: answer.fallbackReason)
    }

    /// The request's own remaining time, capped by the settings' reasoner timeout.
    private var reasonDeadline: Duration {
        guard let remaining = context.timeRemaining else { return settings.reasonTimeout }
        return min(remaining, settings.reasonTimeout)
    }

    /// The request's own remaining time, else the settings' edit timeout.
    private var editDeadline: Duration { context.timeRemaining ?? settings.editTimeout }

    // MARK: Edits

    /// The request's options with the seed rule and the shared inversion prompt applied: an unset
    /// seed becomes a random one, an unset inversion prompt the caption (or, without one, the best
    /// intention's source prompt), so that every intention starts from one cached inversion.
    static func samplingOptions(_ request: Lucid_V1_GatewayEditRequest, intentions: [Lucid_V1_Intention]) -> Lucid_V1_SamplingOptions {
        var options = request.options
        if !options.hasSeed { options.seed = UInt64.random(in: .min ... .max) }
        if !options.hasInversionPrompt {
            let caption = request.caption.trimmingCharacters(in: .whitespacesAndNewlines)
            options.inversionPrompt = caption.isEmpty ? intentions[0].sourcePrompt : caption
        }
        return options
    }

    /// Every intention edited at once, one sampler call each (the broker spreads them over the
    /// samplers); the edits come back in the intentions' order, rank = index + 1.
    private func editAll(
        _ request: Lucid_V1_GatewayEditRequest, intentions: [Lucid_V1_Intention], options: Lucid_V1_SamplingOptions
    ) async -> [Lucid_V1_RankedEdit] {
        await withTaskGroup(of: (Int, Lucid_V1_RankedEdit).self) { group in
            for (index, intention) in intentions.enumerated() {
                var call = Lucid_V1_EditRequest()
                call.image = request.image
                call.mask = request.mask
                call.pairs = request.pairs
                call.intention = intention
                call.options = options
                group.addTask { (index, await edit(call, index: index)) }
            }
            var edits = [Lucid_V1_RankedEdit](repeating: Lucid_V1_RankedEdit(), count: intentions.count)
            for await (index, edit) in group { edits[index] = edit }
            return edits
        }
    }

    /// One sampler edit, reported as "edited" when it ends; a failure becomes the edit's status.
    private func edit(_ call: Lucid_V1_EditRequest, index: Int) async -> Lucid_V1_RankedEdit {
        let edit: Lucid_V1_RankedEdit
        do {
            edit = Lucid_V1_RankedEdit(rank: index + 1, intention: call.intention, result: try await sample(call, index: index))
        } catch let error as RPCError {
            edit = Lucid_V1_RankedEdit(rank: index + 1, intention: call.intention, failure: error)
        } catch {
            edit = Lucid_V1_RankedEdit(
                rank: index + 1, intention: call.intention,
                failure: RPCError(code: .internal, message: "the gateway could not relay the edit: \(error)"))
        }
        if !edit.succeeded {
            context.logger.warning("edit failed", metadata: [
                "intention": "\(index)", "code": "\(edit.status.code)", "message": "\(edit.status.message)",
            ])
        }
        try? context.sendProgress(Lucid_V1_GatewayEditReply.edited(index: index, edit))
        return edit
    }

    /// Streams one sampler edit, forwarding its progress; ending early (the handler cancelled)
    /// cancels the sampler's call.
    private func sample(_ call: Lucid_V1_EditRequest, index: Int) async throws -> Lucid_V1_EditResult {
        let events = client.stream(
            service: Self.samplerService, method: "Edit", call,
            progress: Lucid_V1_EditReply.self, returning: Lucid_V1_EditReply.self,
            deadline: editDeadline, traceID: context.traceID)
        for try await event in events {
            switch event {
            case .progress(let reply):
                try context.sendProgress(Lucid_V1_GatewayEditReply.edit(index: index, reply.progress))
            case .result(let reply):
                guard case .result(let result)? = reply.kind else {
                    throw RPCError(code: .internal, message: "the sampler's final reply carries no EditResult")
                }
                return result
            }
        }
        throw RPCError(code: .cancelled, message: "the edit was cancelled with the gateway request")
    }
}

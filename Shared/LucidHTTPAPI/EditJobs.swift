/// EditJobs: the edit jobs of one HTTP API server, by id — at most `maxJobs` queued or running,
/// finished ones kept for `keepResults`, then deleted.
import Foundation
import Logging
import LucidBus
import LucidProto

actor EditJobs {
    /// Seconds a client refused for a full queue is told to wait (Retry-After).
    static let retryAfterSeconds = 5

    private struct Entry {
        let job: EditJob
        let runner: Task<Void, Never>
        var expiry: Task<Void, Never>?
    }

    private let client: RPCClient
    private let limits: APILimits
    private let metrics: APIMetrics
    private let logger: Logger
    private var entries: [String: Entry] = [:]
    private var active: Set<String> = []

    /// Jobs that call Gateway.Edit through `client`, counted in `metrics`.
    init(client: RPCClient, limits: APILimits, metrics: APIMetrics, logger: Logger) {
        self.client = client
        self.limits = limits
        self.metrics = metrics
        self.logger = logger
    }

    /// Starts a job for `request` and returns it once the gateway has accepted it.
    /// Throws RESOURCE_EXHAUSTED (429) when `maxJobs` jobs are queued or running, and the gateway's
    /// refusal (e.g. INVALID_ARGUMENT) when it did not accept the request; a refused job is not kept.
    func submit(_ request: Lucid_V1_GatewayEditRequest) async throws -> EditJob {
        guard active.count < limits.maxJobs else {
            metrics.jobEnded("queue_full")
            throw APIError(
                .resourceExhausted, "the queue of edit jobs is full (\(limits.maxJobs) queued or running); try again later",
                retryAfter: Self.retryAfterSeconds)
        }
        let id = UUID().uuidString.lowercased()
        let job = EditJob(id: id, request: request)
        let runner = Task { [client, limits] in
            await job.run(request, client: client, deadline: limits.editDeadline)
            await self.finished(id)
        }
        entries[id] = Entry(job: job, runner: runner)
        active.insert(id)
        logger.info("edit job submitted", metadata: ["job": "\(id)"])
        do {
            try await job.started()
        } catch {
            entries[id] = nil
            active.remove(id)
            metrics.jobEnded("refused")
            throw error
        }
        return job
    }

    /// The job `id`; NOT_FOUND (404) when there is none (never was, or deleted after `keepResults`).
    func job(_ id: String) throws -> EditJob {
        guard let entry = entries[id] else { throw APIError(.notFound, "no edit job \(id)") }
        return entry.job
    }

    /// Cancels job `id` (its Gateway.Edit call, and so the samplers' edits); a finished job stays as it is.
    func cancel(_ id: String) async throws -> EditJob {
        let job = try job(id)
        await job.cancel()
        entries[id]?.runner.cancel()
        logger.info("edit job cancelled", metadata: ["job": "\(id)"])
        return job
    }

    /// Records how many jobs are queued (not yet accepted by the gateway) and running, for `/metrics`.
    func count() async {
        var queued = 0
        for id in active {
            if let job = entries[id]?.job, await job.status == .queued { queued += 1 }
        }
        metrics.jobs(queued: queued, running: active.count - queued)
    }

    /// Cancels every job and forgets them all (the server is stopping).
    func cancelAll() async {
        for entry in entries.values {
            await entry.job.cancel()
            entry.runner.cancel()
            entry.expiry?.cancel()
        }
        entries = [:]
        active = []
    }

    /// Frees the job's place in the queue, counts its outcome and edit times, and deletes it after
    /// `keepResults`.
    private func finished(_ id: String) async {
        active.remove(id)
        guard let job = entries[id]?.job else { return }
        let (status, edits) = await (job.status, job.finishedEdits)
        metrics.jobEnded(status.rawValue)
        for edit in edits where edit.status.code == .ok { metrics.edit(edit.details) }
        let keep = limits.keepResults
        entries[id]?.expiry = Task {
            try? await Task.sleep(for: keep)
            guard !Task.isCancelled else { return }
            self.expire(id)
        }
    }

    private func expire(_ id: String) {
        entries[id] = nil
        logger.debug("edit job deleted", metadata: ["job": "\(id)"])
    }
}

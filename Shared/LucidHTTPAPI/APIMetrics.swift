/// APIMetrics: what `GET /metrics` reports, in Prometheus text format — HTTP requests, edit jobs
/// (queued, running, by outcome), edit seconds per stage, and the bus's workers per service.
/// Recorded through swift-metrics with a factory of this server's own Prometheus registry, so that
/// several servers in one process (tests) do not share counters and nothing is bootstrapped globally.
import CoreMetrics
import Foundation
import LucidBus
import LucidProto
import Prometheus

final class APIMetrics: Sendable {
    /// The histogram of edit seconds, labelled by stage.
    static let stageSeconds = "luciddrag_edit_stage_seconds"
    /// Buckets (seconds) for the stage histogram: from a cached inversion to a long edit on a CPU.
    static let stageBuckets: [Duration] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320].map {
        .milliseconds(Int64($0 * 1000))
    }

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let census: BrokerCensus?
    private let services: [String]

    /// Metrics whose worker counts come from `census` (nil: not reported), for `services` (which are
    /// reported with 0 workers while none is registered).
    init(census: BrokerCensus?, services: [String]) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Self.stageSeconds] = Self.stageBuckets
        self.factory = factory
        self.census = census
        self.services = services
    }

    /// One answered HTTP request: its route pattern (e.g. /v1/edits/{id}), method and status.
    func request(route: String, method: String, status: Int, seconds: Double) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        Counter(label: "luciddrag_http_requests_total", dimensions: labels, factory: factory).increment()
        CoreMetrics.Timer(label: "luciddrag_http_request_seconds", dimensions: [("route", route), ("method", method)],
                          factory: factory).recordSeconds(seconds)
    }

    /// Edit jobs now waiting for the gateway's first answer (`queued`) or running.
    func jobs(queued: Int, running: Int) {
        Gauge(label: "luciddrag_edit_jobs", dimensions: [("state", "queued")], factory: factory).record(queued)
        Gauge(label: "luciddrag_edit_jobs", dimensions: [("state", "running")], factory: factory).record(running)
    }

    /// A job that ended: "done", "failed", "cancelled", or "refused" (never started).
    func jobEnded(_ outcome: String) {
        Counter(label: "luciddrag_edit_jobs_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    /// The stage seconds of one finished sampler edit, and its whole time as stage "edit".
    func edit(_ result: Lucid_V1_EditResult) {
        let stages = result.stages
        for (stage, seconds) in [("encode", stages.encode), ("invert", stages.invert), ("sample", stages.sample),
                                 ("decode", stages.decode), ("edit", result.seconds)] {
            CoreMetrics.Timer(label: Self.stageSeconds, dimensions: [("stage", stage)], factory: factory)
                .recordSeconds(seconds)
        }
    }

    /// The whole registry in Prometheus text format, worker counts refreshed from the census first.
    func exposition() -> String {
        if let census {
            let counted = census.snapshot
            for service in Set(services).union(counted.keys.filter { !ControlService.isControl($0) }) {
                let entry = counted[service]
                Gauge(label: "luciddrag_bus_workers", dimensions: [("service", service)], factory: factory)
                    .record(entry?.workers ?? 0)
                Gauge(label: "luciddrag_bus_queued_requests", dimensions: [("service", service)], factory: factory)
                    .record(entry?.queuedRequests ?? 0)
            }
        }
        return registry.emitToString()
    }
}

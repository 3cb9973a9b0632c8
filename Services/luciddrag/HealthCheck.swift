// One Health round trip per service through the broker, timed, and printed as one line each.
import Foundation
import LucidBus
import LucidProto
import LucidService

/// The outcome of calling Health on one service.
struct HealthCheck {
    let service: ServiceName
    let result: Result<Lucid_V1_HealthResponse, Error>
    let roundTrip: Duration

    var isServing: Bool {
        if case .success(let health) = result { return health.status == .serving }
        return false
    }

    /// Calls Health on each of `services` in turn, each bounded by `timeout`.
    static func run(_ services: [ServiceName], client: RPCClient, timeout: Duration) async -> [HealthCheck] {
        var checks: [HealthCheck] = []
        for service in services {
            let start = ContinuousClock.now
            let result: Result<Lucid_V1_HealthResponse, Error>
            do {
                result = .success(try await client.health(service: service.rawValue, deadline: timeout))
            } catch {
                result = .failure(error)
            }
            checks.append(HealthCheck(service: service, result: result, roundTrip: ContinuousClock.now - start))
        }
        return checks
    }

    /// "lucid.v1.Sampler        SERVING  worker=… version=… [model=… busy=…] uptime=…  round trip 0.4 ms".
    var line: String {
        let name = service.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)
        let milliseconds = String(format: "%.1f ms", roundTrip.milliseconds)
        switch result {
        case .success(let health):
            let status = health.status == .serving ? "SERVING" : "\(health.status)"
            let model = health.model.isEmpty ? "" : "model=\(health.model) busy=\(health.busy) "
            return "\(name)\(status)  worker=\(health.workerID) version=\(health.version) \(model)"
                + String(format: "uptime=%.1fs", health.uptimeSeconds) + "  round trip \(milliseconds)"
        case .failure(let error):
            return "\(name)DOWN     \(error)  after \(milliseconds)"
        }
    }
}

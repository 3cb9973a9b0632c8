/// HealthReport: `GET /v1/health` — Health of every LucidDrag service through the broker, as
/// `luciddrag health` asks it, in JSON.
import Foundation
import LucidBus
import LucidProto

struct HealthReport: Encodable, Sendable {
    /// One service's answer, or why there was none.
    struct ServiceHealth: Encodable, Sendable {
        let service: String
        /// "SERVING", "NOT_SERVING", … or "DOWN" when the service did not answer.
        let status: String
        let workerId: String?
        let version: String?
        let model: String?
        let busy: UInt32?
        let uptimeSeconds: Double?
        let roundTripMs: Double
        let error: ErrorBody?
    }

    /// Whether every service answered SERVING.
    let serving: Bool
    let services: [ServiceHealth]

    /// Calls Health on all of `services` at once, each bounded by `timeout`.
    static func check(_ services: [String], client: RPCClient, timeout: Duration) async -> HealthReport {
        let answers = await withTaskGroup(of: (Int, ServiceHealth).self) { group in
            for (index, service) in services.enumerated() {
                group.addTask { (index, await ask(service, client: client, timeout: timeout)) }
            }
            var answers: [ServiceHealth?] = Array(repeating: nil, count: services.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers.compactMap { $0 }
        }
        return HealthReport(serving: answers.allSatisfy { $0.status == "SERVING" }, services: answers)
    }

    private static func ask(_ service: String, client: RPCClient, timeout: Duration) async -> ServiceHealth {
        let start = ContinuousClock.now
        let answer: Result<Lucid_V1_HealthResponse, RPCError>
        do {
            answer = .success(try await client.health(service: service, deadline: timeout))
        } catch let error as RPCError {
            answer = .failure(error)
        } catch {
            answer = .failure(RPCError(code: .unknown, message: "\(error)"))
        }
        let elapsed = start.duration(to: .now)
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        return ServiceHealth(service: service, answer, roundTripMs: milliseconds)
    }
}

extension HealthReport.ServiceHealth {
    init(service: String, _ answer: Result<Lucid_V1_HealthResponse, RPCError>, roundTripMs: Double) {
        self.service = service
        self.roundTripMs = roundTripMs
        switch answer {
        case .success(let health):
            status = switch health.status {
            case .serving: "SERVING"
            case .notServing: "NOT_SERVING"
            default: "SERVING_STATUS_UNSPECIFIED"
            }
            workerId = health.workerID
            version = health.version
            model = health.model.isEmpty ? nil : health.model
            busy = health.busy
            uptimeSeconds = health.uptimeSeconds
            error = nil
        case .failure(let failure):
            status = "DOWN"
            workerId = nil
            version = nil
            model = nil
            busy = nil
            uptimeSeconds = nil
            error = ErrorBody(code: failure.code.name, message: failure.message)
        }
    }
}

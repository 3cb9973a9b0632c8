// One drag edit from the command line, shared by `edit` and `demo`: the Gateway.Edit call with its live
// progress (Ctrl-C cancels it, and with it the samplers' work), the output folder, and a summary.
import Foundation
import LucidBus
import LucidGatewayService
import LucidProto
import LucidReasoning
import LucidService

/// Why a drag edit from the command line did not produce its edits.
enum EditSessionError: Error, CustomStringConvertible {
    /// The gateway refused or failed the request.
    case requestFailed(RPCError)
    /// Every edit failed; the outputs were still written.
    case everyEditFailed([Lucid_V1_Status], output: URL)
    /// SIGINT or SIGTERM arrived; the request was cancelled.
    case interrupted

    var description: String {
        switch self {
        case .requestFailed(let error):
            return "the gateway did not edit: \(error.code.name): \(error.message)"
        case .everyEditFailed(let statuses, let output):
            let reasons = Set(statuses.map { "\($0.code.name): \($0.message)" }).sorted()
            return "every edit failed (details in \(output.path)/edit.json): " + reasons.joined(separator: "; ")
        case .interrupted:
            return "interrupted: the edit was cancelled"
        }
    }
}

/// A Gateway.Edit request and where its outputs go.
struct EditSession: Sendable {
    let inputs: EditInputs
    let request: Lucid_V1_GatewayEditRequest
    let output: EditOutput
    /// The request's deadline, counted from sending it.
    let timeout: Duration

    /// Calls the gateway through the broker at `endpoint` with progress on standard error, writes the
    /// outputs, prints a summary, and returns the result. Throws ``EditSessionError``.
    @discardableResult
    func run(endpoint: BusEndpoint) async throws -> Lucid_V1_GatewayEditResult {
        let client = try RPCClient(endpoint: endpoint)
        let started = ContinuousClock.now
        let result: Lucid_V1_GatewayEditResult
        do {
            result = try await callUntilInterrupted(client: client)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
        let clientSeconds = started.duration(to: .now).seconds
        let files = try output.write(request: request, inputs: inputs, result: result, clientSeconds: clientSeconds)
        printSummary(result, files: files, clientSeconds: clientSeconds)
        guard result.edits.contains(where: \.succeeded) else {
            throw EditSessionError.everyEditFailed(result.edits.map(\.status), output: output.directory)
        }
        return result
    }

    /// ``run(endpoint:)`` against every service started in this process, stopped again afterwards.
    @discardableResult
    func runEmbedded(model: URL, label: String) async throws -> Lucid_V1_GatewayEditResult {
        let services = try EmbeddedServices.start(model: model, label: label)
        do {
            let result = try await run(endpoint: services.endpoint)
            await services.stop()
            return result
        } catch {
            await services.stop()
            throw error
        }
    }

    private func callUntilInterrupted(client: RPCClient) async throws -> Lucid_V1_GatewayEditResult {
        let signals = await ShutdownSignals()
        let call = Task {
            let view = EditProgressView()
            defer { view.finish() }
            return try await self.call(client: client, view: view)
        }
        let watcher = Task { if await signals.first() != nil { call.cancel() } }
        defer { watcher.cancel() }
        do {
            return try await call.value
        } catch let error as RPCError {
            if call.isCancelled { throw EditSessionError.interrupted }
            throw EditSessionError.requestFailed(error)
        } catch {
            if call.isCancelled { throw EditSessionError.interrupted }
            throw error
        }
    }

    private func call(client: RPCClient, view: EditProgressView) async throws -> Lucid_V1_GatewayEditResult {
        let events = client.stream(
            service: ServiceName.gateway.rawValue, method: "Edit", request,
            progress: Lucid_V1_GatewayEditReply.self, returning: Lucid_V1_GatewayEditReply.self, deadline: timeout)
        for try await event in events {
            switch event {
            case .progress(let reply): view.show(reply.progress)
            case .result(let reply): return reply.result
            }
        }
        throw CancellationError()
    }

    private func printSummary(_ result: Lucid_V1_GatewayEditResult, files: [UInt32: String], clientSeconds: Double) {
        let region = result.regionDescription.isEmpty ? "" : "\(result.regionDescription), "
        print("\(region)intentions from \(result.reasonerBackend)\(result.fellBack ? " (fell back: \(result.fallbackReason))" : ""); seed \(result.seed)")
        for edit in result.edits {
            let heading = String(format: "%d %@ %.2f", edit.rank, edit.intention.kind.wireName, edit.intention.confidence)
                .padding(toLength: 26, withPad: " ", startingAt: 0)
            if let file = files[edit.rank] {
                let quality = edit.qualityLogit.isFinite ? String(format: "quality %.2f", edit.qualityLogit) : "quality not scored"
                print("\(heading)\(quality)  \(output.directory.appendingPathComponent(file).path)  "
                      + String(format: "(%@, %.1f s)", edit.workerID, edit.details.seconds))
            } else {
                print("\(heading)failed: \(edit.status.code.name): \(edit.status.message)")
            }
        }
        print("sheet: \(output.sheet.path)")
        print("record: \(output.directory.appendingPathComponent("edit.json").path)")
        print(String(format: "total %.1f s (the gateway's share %.1f s)", clientSeconds, result.seconds))
    }
}

/// ScaleEditRequests: Gateway.Edit requests made from demo-world task folders, and one call that
/// returns the result with the latency the client saw.
import Foundation
import LucidBus
import LucidProto
import LucidReasoningBench

/// One Gateway.Edit as the client saw it.
public struct TimedEdit: Sendable {
    /// Request sent → result received, in seconds.
    public let latency: Double
    public let result: Lucid_V1_GatewayEditResult

    /// Edits that came back without an error.
    public var succeeded: [Lucid_V1_RankedEdit] { result.edits.filter { $0.status.code == .ok } }
    /// The samplers that made the edits.
    public var workers: Set<String> { Set(result.edits.map(\.workerID)) }
}

/// Gateway.Edit requests for the tasks of a folder, in task order.
public struct ScaleEditRequests: Sendable {
    public let requests: [Lucid_V1_GatewayEditRequest]

    /// One request per task folder under `directory` (at most `limit`), `steps` DDIM steps, `seed`.
    public init(directory: URL, limit: Int, steps: Int, seed: UInt64) throws {
        let folders = try DragTask.folders(in: directory).prefix(limit)
        guard !folders.isEmpty else { throw ScaleBenchError.invalid("no task folders (with task.json) in \(directory.path)") }
        requests = try folders.map { folder in
            let task = try DragTask(folder: folder)
            var request = Lucid_V1_GatewayEditRequest()
            request.image.encoded = try Data(contentsOf: folder.appendingPathComponent("input.png"))
            request.mask.encoded = try Data(contentsOf: folder.appendingPathComponent("mask.png"))
            request.caption = task.input.caption
            request.pairs = task.input.pairs.map { pair in
                var message = Lucid_V1_PointPair()
                message.handle.x = Float(pair.handle.x)
                message.handle.y = Float(pair.handle.y)
                message.target.x = Float(pair.target.x)
                message.target.y = Float(pair.target.y)
                return message
            }
            request.numIntentions = 1
            request.options.steps = UInt32(steps)
            request.options.seed = seed
            return request
        }
    }

    /// The `index`-th request (cycling through the tasks) asking for `intentions` intentions.
    public func request(_ index: Int, intentions: Int = 1) -> Lucid_V1_GatewayEditRequest {
        var request = requests[index % requests.count]
        request.numIntentions = UInt32(intentions)
        return request
    }
}

extension RPCClient {
    /// Calls Gateway.Edit and times it; throws the call's failure or the first failed edit's status.
    func timedGatewayEdit(_ request: Lucid_V1_GatewayEditRequest) async throws -> TimedEdit {
        let started = ContinuousClock.now
        let reply = try await call(service: "lucid.v1.Gateway", method: "Edit", request,
                                   returning: Lucid_V1_GatewayEditReply.self, deadline: .seconds(900))
        let latency = (ContinuousClock.now - started).seconds
        if let failed = reply.result.edits.first(where: { $0.status.code != .ok }) {
            throw RPCError(code: failed.status.code, message: "an edit failed: \(failed.status.message)")
        }
        return TimedEdit(latency: latency, result: reply.result)
    }
}

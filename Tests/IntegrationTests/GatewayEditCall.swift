// Gateway.Edit as the integration tests make it: dev task 0032 as the request, and one call with
// the progress handed to a closure as it comes and the result returned.
import Foundation
import LucidBus
import LucidProto
import LucidTestSupport

/// Dev task 0032: a small black circle, dragged (60.04, 33.2) → (55.99, 32.44).
enum Task0032 {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Benchmarks/data/drag-dev/task-0032")
    static let caption = "a small black circle on a pale green background"
    static var pair: Lucid_V1_PointPair { DiscScene.pair(60.04, 33.2, 55.99, 32.44) }

    /// The task as a Gateway.Edit request for `intentions` intentions of `steps` steps with `seed`.
    static func gatewayRequest(intentions: Int, steps: UInt32, seed: UInt64, caption: String = "") throws
        -> Lucid_V1_GatewayEditRequest {
        var request = Lucid_V1_GatewayEditRequest()
        request.image.encoded = try Data(contentsOf: folder.appendingPathComponent("input.png"))
        request.mask.encoded = try Data(contentsOf: folder.appendingPathComponent("mask.png"))
        request.pairs = [pair]
        request.caption = caption
        request.numIntentions = UInt32(intentions)
        request.options.steps = steps
        request.options.seed = seed
        return request
    }
}

extension RPCClient {
    /// Calls Gateway.Edit with `request`, calling `onProgress` with each progress message, and
    /// returns the result; throws the call's failure.
    func gatewayEdit(
        _ request: Lucid_V1_GatewayEditRequest, deadline: Duration = .seconds(600),
        onProgress: (Lucid_V1_GatewayProgress) async throws -> Void = { _ in }
    ) async throws -> Lucid_V1_GatewayEditResult {
        for try await event in stream(service: "lucid.v1.Gateway", method: "Edit", request,
                                      progress: Lucid_V1_GatewayEditReply.self,
                                      returning: Lucid_V1_GatewayEditReply.self, deadline: deadline) {
            switch event {
            case .progress(let reply): try await onProgress(reply.progress)
            case .result(let reply): return reply.result
            }
        }
        throw RPCError(code: .internal, message: "the stream ended without a result")
    }
}

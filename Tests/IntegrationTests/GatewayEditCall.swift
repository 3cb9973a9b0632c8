// One Gateway.Edit call as the integration tests make it: the progress handed to a closure as it
// comes, the result returned.
import LucidBus
import LucidProto

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

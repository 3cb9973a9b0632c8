/// ReasonHandler: lucid.v1.Reasoner.Reason on a ServiceWorker — decode and check the request, ask the
/// backend, and map failures to the contract's status codes (INVALID_ARGUMENT, UNAVAILABLE).
import LucidBus
import LucidProto
import LucidReasoning

extension ServiceWorker {
    /// Serves "Reason" with `backend`. Bad requests get INVALID_ARGUMENT with the reason; a backend
    /// that fails without a fallback gives UNAVAILABLE. Either way the worker keeps serving.
    public func serveReasoner(with backend: any ReasonerBackend) {
        register(method: "Reason") { (request: Lucid_V1_ReasonRequest, _) -> Lucid_V1_ReasonResponse in
            do {
                return try await backend.reason(ReasoningInput(request))
            } catch ReasoningError.invalidArgument(let message) {
                throw RPCError(code: .invalidArgument, message: message)
            } catch let error as ReasoningError {
                throw RPCError(code: .unavailable, message: error.description)
            }
        }
    }
}

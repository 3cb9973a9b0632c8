/// JSONErrorMiddleware: every failure answered as JSON `{code, message}` — the router's own (no such
/// route) and unexpected errors (INTERNAL) as well as the API's.
import Hummingbird
import LucidProto

struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(Self.code(for: error.status), error.body ?? error.status.reasonPhrase, status: error.status)
        } catch {
            throw APIError(.internal, "\(error)")
        }
    }

    /// The gRPC code of a status the router answers by itself.
    private static func code(for status: HTTPResponse.Status) -> Lucid_V1_StatusCode {
        switch status {
        case .notFound: .notFound
        case .methodNotAllowed: .unimplemented
        case .badRequest: .invalidArgument
        default: .internal
        }
    }
}

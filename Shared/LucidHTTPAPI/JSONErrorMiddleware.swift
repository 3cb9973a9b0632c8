/// JSONErrorMiddleware: every failure answered as JSON `{code, message}` — the router's own (no such
/// route; a documented path asked with another method is 405 with Allow) and unexpected errors
/// (INTERNAL) as well as the API's.
import Hummingbird
import LucidProto

struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: DocumentedRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw APIError(.notFound, "no such path: \(request.uri.path)") }
            throw APIError(.unimplemented, "\(request.method) is not served on \(request.uri.path); use "
                           + allowed.map(\.rawValue).joined(separator: ", "), status: .methodNotAllowed, allow: allowed)
        } catch let error as HTTPError {
            throw APIError(Self.code(for: error.status), error.body ?? error.status.reasonPhrase, status: error.status)
        } catch {
            throw APIError(.internal, "\(error)")
        }
    }

    /// The gRPC code of a status the router answers by itself.
    private static func code(for status: HTTPResponse.Status) -> Lucid_V1_StatusCode {
        switch status {
        case .methodNotAllowed: .unimplemented
        case .badRequest: .invalidArgument
        default: .internal
        }
    }
}

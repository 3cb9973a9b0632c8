/// BearerTokenMiddleware: refuses requests without `Authorization: Bearer <token>` (401). The token
/// is compared in constant time and never logged.
import Hummingbird

struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let given = request.headers[.authorization], Self.same(given, "Bearer \(token)") else {
            throw APIError(.unauthenticated, "this API needs the header Authorization: Bearer <token>")
        }
        return try await next(request, context)
    }

    /// Compares every byte whatever the first difference, so that timing tells nothing of the token.
    private static func same(_ lhs: String, _ rhs: String) -> Bool {
        let (a, b) = (Array(lhs.utf8), Array(rhs.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

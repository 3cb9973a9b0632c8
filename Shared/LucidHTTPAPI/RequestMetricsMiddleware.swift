/// RequestMetricsMiddleware: counts every HTTP request by route pattern, method and status, and
/// times it to the response head (an event stream counts when it starts, not when it ends).
import Foundation
import Hummingbird

struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: APIMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, status: status, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        // Unmatched paths share one label, so that probing clients cannot grow the registry.
        metrics.request(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status,
                        seconds: (ContinuousClock.now - start).seconds)
    }
}

/// APIError: how the HTTP API refuses or fails a request — a JSON body `{code, message}` with the
/// gRPC code name, and the HTTP status that matches the code.
import Foundation
import Hummingbird
import LucidBus
import LucidProto

/// A failed HTTP request: a lucid.v1.StatusCode, a message a person can act on, and its HTTP status.
public struct APIError: HTTPResponseError, Equatable, Sendable {
    public let code: Lucid_V1_StatusCode
    public let message: String
    public let status: HTTPResponse.Status
    /// Seconds to wait before trying again, sent as Retry-After.
    public let retryAfter: Int?
    /// The methods a path serves, sent as Allow with 405.
    public let allow: [HTTPRequest.Method]

    /// An error of `code`, answered with `status` (by default the one that matches the code).
    public init(_ code: Lucid_V1_StatusCode, _ message: String, status: HTTPResponse.Status? = nil, retryAfter: Int? = nil,
                allow: [HTTPRequest.Method] = []) {
        self.code = code
        self.message = message
        self.status = status ?? Self.status(for: code)
        self.retryAfter = retryAfter
        self.allow = allow
    }

    /// The service's (or the broker's) failure as the HTTP API reports it.
    public init(_ error: RPCError) {
        self.init(error.code, error.message)
    }

    /// INVALID_ARGUMENT→400, UNAUTHENTICATED→401, NOT_FOUND→404, RESOURCE_EXHAUSTED→429,
    /// UNAVAILABLE→503, DEADLINE_EXCEEDED→504, any other code→500.
    public static func status(for code: Lucid_V1_StatusCode) -> HTTPResponse.Status {
        switch code {
        case .invalidArgument: .badRequest
        case .unauthenticated: .unauthorized
        case .notFound: .notFound
        case .resourceExhausted: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .deadlineExceeded: .gatewayTimeout
        default: .internalServerError
        }
    }

    /// The JSON body: `{"code": "INVALID_ARGUMENT", "message": "…"}`.
    var body: ErrorBody { ErrorBody(code: code.name, message: message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONBody.response(body, status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        if !allow.isEmpty { response.headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        return response
    }
}

/// The JSON of an error, in answers and in events.
struct ErrorBody: Codable, Equatable, Sendable {
    let code: String
    let message: String
}

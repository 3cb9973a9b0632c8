/// DocumentedRoutes: the paths and methods the OpenAPI document declares, plus the web editor's files,
/// so that a known path asked with a method it does not serve is answered 405 with an Allow header
/// rather than 404.
import Foundation
import Hummingbird

/// Path templates ("/v1/edits/{id}") with the methods each serves.
struct DocumentedRoutes: Sendable {
    private let routes: [(segments: [String], methods: [HTTPRequest.Method])]

    /// The `paths` of the OpenAPI document `openAPI`, and GET for each of `staticPaths`.
    init(openAPI: Data, staticPaths: [String]) throws {
        struct Document: Decodable { let paths: [String: [String: AnyDecodable]] }
        struct AnyDecodable: Decodable { init(from decoder: Decoder) throws {} }
        let document = try JSONDecoder().decode(Document.self, from: openAPI)
        var routes = document.paths.map { path, operations in
            (Self.segments(path), operations.keys.sorted().map { HTTPRequest.Method(rawValue: $0.uppercased()) }.compactMap { $0 })
        }
        routes += staticPaths.map { (Self.segments("/\($0)"), [.get]) }
        self.routes = routes
    }

    /// The methods served on `path` (query excluded), HEAD with GET; empty for an unknown path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let asked = Self.segments(path)
        let matching = routes.filter { route in
            route.segments.count == asked.count && zip(route.segments, asked).allSatisfy { $0.contains("{") || $0 == $1 }
        }
        var methods = Set(matching.flatMap(\.methods))
        if methods.contains(.get) { methods.insert(.head) }
        return methods.sorted { $0.rawValue < $1.rawValue }
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/").map(String.init) } ?? []
    }
}

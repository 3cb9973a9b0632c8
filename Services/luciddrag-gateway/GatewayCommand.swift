// luciddrag-gateway: the Majordomo broker every LucidDrag service joins, and the lucid.v1.Gateway
// service, which turns one drag into N ranked edits through the reasoner and the samplers; with
// --http, also the HTTP API in front of it.
import ArgumentParser
import Foundation
import LucidBus
import LucidGatewayService
import LucidHTTPAPI
import LucidService

extension HTTPAPIServer: LucidService {}

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-gateway", abstract: "Run the Majordomo broker and the lucid.v1.Gateway service.",
        version: LucidVersion.current)

    @OptionGroup var options: GatewayOptions

    @Option(help: "Seconds the reasoner may take per request (a sooner request deadline wins).")
    var reasonTimeout: Double = GatewaySettings().reasonTimeout.seconds

    @Option(help: "Seconds each sampler edit may take when the request sets no deadline.")
    var editTimeout: Double = GatewaySettings().editTimeout.seconds

    @Option(help: "Serve the HTTP API on HOST:PORT, e.g. 127.0.0.1:8080 (default: no HTTP API).")
    var http: String?

    @Option(help: "A file whose first line is the token every /v1 HTTP route then requires as Authorization: Bearer.")
    var apiTokenFile: String?

    @Option(help: "HTTP edit jobs queued or running at once; more are refused with 429.")
    var maxJobs: Int = APILimits().maxJobs

    @Option(help: "Seconds a finished HTTP edit job and its images are kept.")
    var keepResults: Double = APILimits().keepResults.seconds

    @Option(help: "The longest image side, in pixels, the HTTP API accepts.")
    var maxImageSide: Int = APILimits().maxImageSide

    func validate() throws {
        guard reasonTimeout > 0, editTimeout > 0 else {
            throw ValidationError("--reason-timeout and --edit-timeout must be positive")
        }
        guard maxJobs > 0, keepResults >= 0, maxImageSide > 0 else {
            throw ValidationError("--max-jobs and --max-image-side must be positive and --keep-results not negative")
        }
        if let http { _ = try Self.hostAndPort(http) }
        if apiTokenFile != nil, http == nil { throw ValidationError("--api-token-file needs --http") }
    }

    func run() async throws {
        let settings = GatewaySettings(reasonTimeout: .seconds(reasonTimeout), editTimeout: .seconds(editTimeout))
        let api = try http.map { try apiSettings(address: $0) }
        try await ServiceProcess.runGateway(options: options) { worker, local, logger in
            try worker.serveGateway(endpoint: local, settings: settings, logger: logger)
        } companions: { local, census, logger in
            try api.map { [try HTTPAPIServer(settings: $0, endpoint: local, census: census, logger: logger)] } ?? []
        }
    }

    /// The HTTP API's settings from the flags; the token is read from its file, never echoed.
    private func apiSettings(address: String) throws -> HTTPAPISettings {
        let (host, port) = try Self.hostAndPort(address)
        var token: String?
        if let apiTokenFile {
            let text: String
            do { text = try String(contentsOfFile: apiTokenFile, encoding: .utf8) } catch {
                throw ValidationError("--api-token-file \(apiTokenFile) cannot be read: \(error.localizedDescription)")
            }
            token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) }
            guard let token, !token.isEmpty else { throw ValidationError("--api-token-file \(apiTokenFile) holds no token") }
        }
        return HTTPAPISettings(
            host: host, port: port, token: token,
            limits: APILimits(
                maxImageSide: maxImageSide, maxJobs: maxJobs, keepResults: .milliseconds(Int64(keepResults * 1000))),
            services: ServiceName.allCases.map(\.rawValue))
    }

    /// "127.0.0.1:8080" → ("127.0.0.1", 8080); the port after the last colon.
    private static func hostAndPort(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (1...65535).contains(port), colon > address.startIndex else {
            throw ValidationError("--http must be HOST:PORT, e.g. 127.0.0.1:8080; got \(address)")
        }
        return (String(address[..<colon]), port)
    }
}

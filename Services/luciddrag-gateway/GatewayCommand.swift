// luciddrag-gateway: the Majordomo broker every LucidDrag service joins, and the lucid.v1.Gateway
// service, which turns one drag into N ranked edits through the reasoner and the samplers.
import ArgumentParser
import LucidGatewayService
import LucidService

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-gateway", abstract: "Run the Majordomo broker and the lucid.v1.Gateway service.",
        version: LucidVersion.current)

    @OptionGroup var options: GatewayOptions

    @Option(help: "Seconds the reasoner may take per request (a sooner request deadline wins).")
    var reasonTimeout: Double = GatewaySettings().reasonTimeout.secondsValue

    @Option(help: "Seconds each sampler edit may take when the request sets no deadline.")
    var editTimeout: Double = GatewaySettings().editTimeout.secondsValue

    func validate() throws {
        guard reasonTimeout > 0, editTimeout > 0 else {
            throw ValidationError("--reason-timeout and --edit-timeout must be positive")
        }
    }

    func run() async throws {
        let settings = GatewaySettings(reasonTimeout: .seconds(reasonTimeout), editTimeout: .seconds(editTimeout))
        try await ServiceProcess.runGateway(options: options) { worker, local, logger in
            try worker.serveGateway(endpoint: local, settings: settings, logger: logger)
        }
    }
}

extension Duration {
    /// The duration in seconds, for a flag's default.
    fileprivate var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

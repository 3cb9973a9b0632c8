// `luciddrag health`: asks one service, or every service, whether it is serving.
import ArgumentParser
import LucidBus
import LucidService

/// Calls Health through the broker and exits non-zero when a service does not answer SERVING.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Call Health on a LucidDrag service (default: every service) through the broker.")

    @Option(help: "The broker's endpoint. Env: LUCID_BUS. Default: ipc://<runtime dir>/bus.sock.")
    var bus: String?

    @OptionGroup var curve: CurveClientOptions

    @Option(help: "gateway, reasoner, sampler, discriminator, or a lucid.v1.* name. Default: all four.")
    var service: String?

    @Option(help: "How long to wait for each reply, in milliseconds.")
    var timeoutMs = 5000

    func validate() throws {
        guard timeoutMs > 0 else { throw ValidationError("--timeout-ms must be positive") }
        if let service, ServiceName(parsing: service) == nil {
            let known = ServiceName.allCases.map(\.shortName).joined(separator: ", ")
            throw ValidationError("unknown service '\(service)'; use one of \(known)")
        }
    }

    func run() async throws {
        let endpoint = try ServiceConfiguration.bus(flag: bus)
        ServiceLogging.bootstrap(level: .error)
        try curve.applyToSharedContext()
        let services = service.flatMap(ServiceName.init(parsing:)).map { [$0] } ?? ServiceName.allCases
        let client = try RPCClient(endpoint: endpoint)
        let checks = await HealthCheck.run(services, client: client, timeout: .milliseconds(timeoutMs))
        await client.shutdown()
        print("bus \(endpoint)")
        checks.forEach { print($0.line) }
        if !checks.allSatisfy(\.isServing) { throw ExitCode.failure }
    }
}

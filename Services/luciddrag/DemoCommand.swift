// `luciddrag demo`: the main job of the quick start. For now it starts every service embedded and
// makes a Health round trip to each through the broker; later stages turn it into the demo edit.
import ArgumentParser
import Foundation
import LucidBus
import LucidService

/// Starts the services in this process, calls each once, prints what they answered, and stops them.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start every service in this process and make a round trip to each.")

    @Option(help: "How long to wait for each reply, in milliseconds.")
    var timeoutMs = 5000

    func validate() throws {
        guard timeoutMs > 0 else { throw ValidationError("--timeout-ms must be positive") }
    }

    func run() async throws {
        ServiceLogging.bootstrap(level: .warning)
        let configuration = ServiceConfiguration(bus: "inproc://luciddrag-demo", workerID: "demo-\(getpid())")
        let logger = ServiceLogging.logger("luciddrag.demo", workerID: configuration.workerID)
        let signals = ShutdownSignalWatcher()
        let deployment = try ServiceAssembly.embedded(configuration: configuration, logger: logger)
        print("Started \(deployment.services.map(\.name).joined(separator: ", ")) in one process")
        print("on \(deployment.localEndpoint) (Majordomo 0.2, protobuf envelopes).\n")
        let runner = Task { try await ServiceRunner(services: deployment.services, logger: logger).run(until: signals) }

        let start = ContinuousClock.now
        let client = try RPCClient(endpoint: deployment.localEndpoint)
        let checks = await HealthCheck.run(ServiceName.allCases, client: client, timeout: .milliseconds(timeoutMs))
        let elapsed = ContinuousClock.now - start
        await client.shutdown()
        checks.forEach { print($0.line) }

        runner.cancel()
        _ = try await runner.value
        let serving = checks.filter(\.isServing).count
        print(String(format: "\n%d of %d services serving; %.1f ms for all round trips, services stopped.",
                     serving, checks.count, elapsed.milliseconds))
        if serving != checks.count { throw ExitCode.failure }
    }
}

// lucid-bus-testworker: a worker for bus tests that can be slow on demand. It serves one service
// (default "lucid.test.Echo") with "Echo" (google.protobuf.BytesValue back as sent) and "Sleep"
// (waits the google.protobuf.Duration it is sent, then answers its worker id as a StringValue), and
// logs "sleep started" when a Sleep begins, so that a test knows which process holds the request.
import ArgumentParser
import LucidBus
import LucidService
import SwiftProtobuf

@main
struct TestWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lucid-bus-testworker", abstract: "Serve Echo and Sleep, for bus tests.")

    @OptionGroup var options: ServiceOptions

    @Option(help: "The Majordomo service name to register.")
    var name = "lucid.test.Echo"

    func run() async throws {
        let configuration = try options.configuration(service: "testworker")
        let service = name
        await ServiceProcess.run(label: "lucid.testworker", configuration: configuration) { logger in
            let worker = ServiceWorker(
                service: service, endpoint: configuration.bus,
                configuration: .init(worker: .init(heartbeat: configuration.heartbeat), workerID: configuration.workerID),
                logger: logger)
            worker.register(method: "Echo") { (request: Google_Protobuf_BytesValue, _) in request }
            worker.register(method: "Sleep") { (request: Google_Protobuf_Duration, context) in
                context.logger.info("sleep started")
                try await Task.sleep(for: .seconds(request.seconds) + .nanoseconds(Int64(request.nanos)))
                return Google_Protobuf_StringValue(configuration.workerID)
            }
            return [worker]
        }
    }
}

// `luciddrag serve`: every LucidDrag service as threads of one process (the embedded mode).
import ArgumentParser
import Foundation
import LucidBus
import LucidService

/// Runs the broker and all four services in this process until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the broker and every service in this process, on inproc:// and the bus endpoint.",
        discussion: """
            The services talk over a private inproc:// endpoint. The broker also binds --bus (an ipc:// \
            socket in the runtime directory unless told otherwise) and every --bind, so that \
            `luciddrag health`, other clients and further worker processes can join. \
            With --bus inproc://NAME nothing outside this process can reach it.
            """)

    @OptionGroup var options: ServiceOptions

    @Option(help: "A further endpoint for the broker to bind (repeatable), e.g. tcp://127.0.0.1:5555.",
            transform: { try BusEndpoint($0) })
    var bind: [BusEndpoint] = []

    @OptionGroup var model: ModelOption

    func run() async throws {
        let configuration = try options.configuration(service: "luciddrag")
        let handlers = embeddedHandlers(model: try model.folder())
        await ServiceProcess.run(label: "luciddrag.serve", configuration: configuration) { logger in
            try ServiceAssembly.embedded(
                externalEndpoints: [configuration.bus] + bind, configuration: configuration, logger: logger,
                handlers: handlers
            ).services
        }
    }
}

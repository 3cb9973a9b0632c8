// luciddrag-gateway: the Majordomo broker every LucidDrag service joins, and the lucid.v1.Gateway
// service (Health for now; orchestration and HTTP come with later stages).
import ArgumentParser
import LucidService

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-gateway", abstract: "Run the Majordomo broker and the lucid.v1.Gateway service.",
        version: LucidVersion.current)

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        try await ServiceProcess.runGateway(options: options) { _, _, _ in }
    }
}

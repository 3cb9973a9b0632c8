// luciddrag-reasoner: a worker of lucid.v1.Reasoner, which turns a drag into intentions
// (Reason comes with a later stage; until then it answers Health).
import ArgumentParser
import LucidService

@main
struct ReasonerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-reasoner", abstract: "Run a lucid.v1.Reasoner worker.", version: LucidVersion.current)

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceProcess.runWorker(.reasoner, options: options)
    }
}

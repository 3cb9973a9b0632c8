// luciddrag-reasoner: a worker of lucid.v1.Reasoner, which turns a drag into intentions with the
// configured backend (built-in, or an OpenAI-compatible server with fallback to the built-in one).
import ArgumentParser
import LucidReasonerService
import LucidService

@main
struct ReasonerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-reasoner", abstract: "Run a lucid.v1.Reasoner worker.", version: LucidVersion.current)

    @OptionGroup var options: ReasonerOptions

    func run() async throws {
        let settings: ReasonerSettings
        do {
            settings = try options.settings()
        } catch let error as ReasonerSettingsError {
            throw ValidationError(error.description)
        }
        try await ServiceProcess.runWorker(.reasoner, options: options.service) { worker, logger in
            worker.serveReasoner(with: try settings.makeBackend(logger: logger))
        }
    }
}

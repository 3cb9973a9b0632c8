// luciddrag-sampler: a worker of lucid.v1.Sampler, which runs one drag edit per intention
// (Edit comes with a later stage; until then it answers Health).
import ArgumentParser
import LucidService

@main
struct SamplerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-sampler", abstract: "Run a lucid.v1.Sampler worker.", version: LucidVersion.current)

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceProcess.runWorker(.sampler, options: options) { _, _ in }
    }
}

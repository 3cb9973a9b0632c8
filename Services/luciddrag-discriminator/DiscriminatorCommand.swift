// luciddrag-discriminator: a worker of lucid.v1.Discriminator, which scores latents for the
// sampler's guidance (Score comes with a later stage; until then it answers Health).
import ArgumentParser
import LucidService

@main
struct DiscriminatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-discriminator", abstract: "Run a lucid.v1.Discriminator worker.",
        version: LucidVersion.current)

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceProcess.runWorker(.discriminator, options: options) { _, _ in }
    }
}

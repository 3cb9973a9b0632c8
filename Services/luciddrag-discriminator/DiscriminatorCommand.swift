// luciddrag-discriminator: a worker of lucid.v1.Discriminator, which scores noisy latents for the
// sampler's quality guidance with the discriminator of a model folder.
import ArgumentParser
import Foundation
import LucidDiscriminatorService
import LucidService
import LucidTensor

@main
struct DiscriminatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-discriminator", abstract: "Run a lucid.v1.Discriminator worker.",
        version: LucidVersion.current)

    @OptionGroup var options: ServiceOptions

    @Option(help: "Model folder (a diffusers folder with discriminator/, or a discriminator folder). Env: LUCID_MODEL. Default: the shipped Models/demo-world.")
    var model: String?

    @Option(help: "Threads of the tensor engine (its loops and matrix products). Env: LUCID_THREADS. Default: all cores (\(ProcessInfo.processInfo.activeProcessorCount) here).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }

    func run() async throws {
        if let threads { Engine.threads = threads }
        try await ServiceProcess.runModelWorker(.discriminator, options: options) { logger in
            let scorer = try DiscriminatorScorer(folder: ModelLocation.resolve(flag: model))
            logger.info("discriminator loaded", metadata: [
                "model": "\(scorer.identity)", "threads": "\(Engine.threads)",
            ])
            return (model: scorer.identity.description, handlers: { $0.serveDiscriminator(scorer) })
        }
    }
}

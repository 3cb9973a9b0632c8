// luciddrag-sampler: a worker of lucid.v1.Sampler, which runs one drag edit per intention.
import ArgumentParser
import Foundation
import LucidSamplerService
import LucidService
import LucidTensor

@main
struct SamplerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag-sampler", abstract: "Run a lucid.v1.Sampler worker.", version: LucidVersion.current)

    @OptionGroup var options: ServiceOptions

    @Option(help: "A Stable-Diffusion-1.x diffusers folder. Env: LUCID_MODEL. Default: the shipped Models/demo-world.")
    var model: String?

    @Option(help: "Threads of the tensor engine (its loops and matrix products). Env: LUCID_THREADS. Default: every core.")
    var threads: Int?

    @Option(help: "Quality guidance from the Discriminator service (bus), a discriminator in this process (local), or none.")
    var quality: QualityChoice = .bus

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }

    func run() async throws {
        if let threads { Engine.threads = threads }
        try await ServiceProcess.runModelWorker(.sampler, options: options) { logger in
            let engine = try SamplerEngine(modelFolder: ModelLocation.resolve(flag: model), quality: quality.source)
            logger.info("model loaded", metadata: [
                "model": "\(engine.identity)", "threads": "\(Engine.threads)", "quality": "\(quality.rawValue)",
            ])
            return (model: engine.identity, handlers: { worker in try worker.serveSampler(engine, endpoint: worker.endpoint) })
        }
    }
}

/// `--quality`: where quality guidance comes from.
enum QualityChoice: String, ExpressibleByArgument, CaseIterable {
    case bus, local, none

    var source: QualitySource {
        switch self {
        case .bus: return .bus
        case .local: return .local
        case .none: return .none
        }
    }
}

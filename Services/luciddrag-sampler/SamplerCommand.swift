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

    @Option(help: "Threads for the tensor engine and OpenBLAS. Env: LUCID_THREADS. Default: every core.")
    var threads: Int?

    @Option(help: "Quality guidance from the Discriminator service (bus), a discriminator in this process (local), or none.")
    var quality: QualityChoice = .bus

    func run() async throws {
        let folder: URL
        do { folder = try ModelLocation.resolve(flag: model) } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        if let threads {
            guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
            Engine.threads = threads
        }
        let engine = SamplerEngine(modelFolder: folder, quality: quality.source)
        try await ServiceProcess.runWorker(.sampler, options: options) { worker, logger in
            if case .failure(let error) = engine.editor {
                logger.critical("model not loaded; every Edit will answer FAILED_PRECONDITION", metadata: ["error": "\(error)"])
            }
            try worker.serveSampler(engine, endpoint: worker.endpoint)
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

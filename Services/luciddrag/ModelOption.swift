// `--model`: the diffusers folder the embedded sampler and discriminator load (`serve`, `edit --embedded`, `demo`).
import ArgumentParser
import Foundation
import LucidService

/// `--model DIR`, resolved with `LUCID_MODEL` and the shipped demo model as fallbacks.
struct ModelOption: ParsableArguments {
    @Option(help: "The diffusers folder the sampler and discriminator load. Env: LUCID_MODEL. Default: the shipped demo model.")
    var model: String?

    /// The model folder from `--model`, else `LUCID_MODEL`, else the shipped demo model.
    func folder() throws -> URL {
        do {
            return try ModelLocation.resolve(flag: model)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}

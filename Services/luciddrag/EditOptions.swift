// The flags `edit` and `demo` share: sampling (seed, steps), where the outputs go, how long to wait,
// and the model the embedded services load (`--model`).
import ArgumentParser
import Foundation

/// `--seed`, `--steps`, `--out`, `--timeout` and `--model`.
struct EditOptions: ParsableArguments {
    @Option(help: "The seed every intention is sampled with. Default: the gateway draws one and reports it.")
    var seed: UInt64?

    @Option(help: "DDIM steps of each edit. Default: the sampler's (50).")
    var steps: UInt32?

    @Option(help: "The folder for the edited images, sheet.png and edit.json. Default: out/edit-<UTC time> (edit), out/demo (demo).")
    var out: String?

    @Option(help: "Seconds to wait for the whole edit.")
    var timeout: Double = 3600

    @OptionGroup var model: ModelOption

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if let steps, steps == 0 { throw ValidationError("--steps must be positive") }
    }

    /// The session for `inputs` with `intentions` intentions, writing to `--out` or `defaultOutput`.
    func session(inputs: EditInputs, intentions: Int, defaultOutput: EditOutput) -> EditSession {
        EditSession(
            inputs: inputs, request: inputs.request(intentions: intentions, seed: seed, steps: steps),
            output: out.map { EditOutput(directory: URL(fileURLWithPath: $0)) } ?? defaultOutput,
            timeout: .seconds(timeout))
    }
}

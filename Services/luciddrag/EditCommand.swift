// `luciddrag edit`: one drag edit of an image through the gateway — N interpretations of the drag,
// each edited, ranked, with live progress, the images, a contact sheet and a JSON record.
import ArgumentParser
import Foundation
import LucidGatewayService
import LucidService

/// Calls Gateway.Edit on a running deployment (or on services started in this process) and writes
/// `<rank>-<kind>.png` per edit, `sheet.png` and `edit.json`.
struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit an image by dragging: each interpretation of the drag edited and ranked, with a contact sheet.",
        discussion: """
            Example: luciddrag edit scene.png --mask mask.png --drag 60,33:56,32 --caption "a small black circle" --embedded
            Exits non-zero with the gateway's message when the request fails, and when every edit failed.
            """)

    @Argument(help: "The image to edit (PNG or JPEG).")
    var image: String

    @Option(help: "The editable region: a PNG of the image's size, non-zero = editable.")
    var mask: String

    @Option(name: .customLong("drag"), help: "A drag X1,Y1:X2,Y2 from handle to target, in image pixels (repeatable).")
    var drags: [DragArgument] = []

    @Option(help: "What the image shows, e.g. \"a small red circle on a grey background\".")
    var caption = ""

    @Option(help: "How many interpretations of the drag to edit (1–\(GatewaySettings.maxIntentions)).")
    var intentions = GatewaySettings.defaultIntentions

    @OptionGroup var options: EditOptions

    @Option(help: "The broker's endpoint. Env: LUCID_BUS. Default: ipc://<runtime dir>/bus.sock.")
    var bus: String?

    @OptionGroup var curve: CurveClientOptions

    @Flag(help: "Start every service in this process instead of calling a running gateway.")
    var embedded = false

    func validate() throws {
        guard !drags.isEmpty else { throw ValidationError("give at least one --drag X1,Y1:X2,Y2") }
        guard (1...GatewaySettings.maxIntentions).contains(intentions) else {
            throw ValidationError("--intentions must be between 1 and \(GatewaySettings.maxIntentions)")
        }
        if embedded && bus != nil { throw ValidationError("--bus and --embedded exclude each other") }
    }

    func run() async throws {
        let inputs = try EditInputs(imagePath: image, maskPath: mask, pairs: drags.map(\.pair), caption: caption)
        let session = options.session(inputs: inputs, intentions: intentions, defaultOutput: .timestamped())
        if embedded {
            try await session.runEmbedded(model: try options.model.folder(), label: "edit")
        } else {
            ServiceLogging.bootstrap(level: .error)
            try curve.applyToSharedContext()
            try await session.run(endpoint: try ServiceConfiguration.bus(flag: bus))
        }
    }
}

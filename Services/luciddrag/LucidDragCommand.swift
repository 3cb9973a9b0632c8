import ArgumentParser
import LucidService

/// `luciddrag`: the command-line entry point to LucidDrag.
@main
struct LucidDragCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luciddrag",
        abstract: "Semantic-aware drag-based image editing.",
        version: LucidVersion.current,
        subcommands: [ServeCommand.self, HealthCommand.self, EditCommand.self, DemoCommand.self, BenchCommand.self, KeysCommand.self]
    )
}

import ArgumentParser

/// `luciddrag bench …`: benchmarks that compare LucidDrag with its reference in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print it side by side with its reference.",
        subcommands: [BusBenchCommand.self, EditBenchCommand.self, EngineBenchCommand.self, ReasonerBenchCommand.self,
                      ScaleBenchCommand.self]
    )
}

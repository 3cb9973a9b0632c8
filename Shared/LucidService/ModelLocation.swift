// Where a model service finds its weights when no --model flag is given: LUCID_MODEL, else the
// repository's shipped demo model, looked for from the working directory and from the executable up.
import Foundation

/// Resolves the diffusers folder a sampler or discriminator serves.
public enum ModelLocation {
    /// The environment variable that stands in for `--model`.
    public static let environmentVariable = "LUCID_MODEL"
    /// The shipped demo model, relative to the repository root.
    public static let shippedModel = "Models/demo-world"

    /// The folder from `flag`, else `LUCID_MODEL`, else `Models/demo-world` found in the working
    /// directory or a parent of the executable's directory. Throws naming every place looked at.
    public static func resolve(
        flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> URL {
        if let flag { return try existing(URL(fileURLWithPath: flag), source: "--model") }
        if let value = environment[environmentVariable], !value.isEmpty {
            return try existing(URL(fileURLWithPath: value), source: environmentVariable)
        }
        if let found = shipped(shippedModel, holding: "model_index.json") { return found }
        throw ConfigurationError(description:
            "no model given: pass --model DIR or set \(environmentVariable) (looked for \(shippedModel) in the working directory and above the executable)")
    }

    /// The folder `relativePath` (of the repository) that holds `marker`, looked for in the working
    /// directory, then in each parent of the executable's directory; nil when there is none.
    public static func shipped(_ relativePath: String, holding marker: String) -> URL? {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relativePath)]
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            candidates.append(directory.appendingPathComponent(relativePath))
            directory.deleteLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(marker).path) }
    }

    private static func existing(_ url: URL, source: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError(description: "\(source): model folder \(url.path) does not exist")
        }
        return url
    }
}

/// PromptTemplates: the locator and reasoner prompts, Markdown files a user can edit — the copies shipped
/// as resources of this module, or the files of a directory given in the configuration.
import Foundation

/// The two prompt texts with `{{name}}` placeholders.
public struct PromptTemplates: Sendable {
    public let locator: String
    public let reasoner: String

    /// File names inside a prompts directory.
    public static let locatorFile = "locator.md"
    public static let reasonerFile = "reasoner.md"

    public init(locator: String, reasoner: String) {
        self.locator = locator
        self.reasoner = reasoner
    }

    /// Loads `locator.md` and `reasoner.md` from `directory`, or from the shipped resources when nil.
    public static func load(from directory: URL? = nil) throws -> PromptTemplates {
        guard let folder = directory ?? shippedDirectory() else {
            throw ReasoningError.backendFailed(
                backend: "openai", reason: "the shipped prompt files were not found next to the executable; set a prompts directory")
        }
        func read(_ name: String) throws -> String {
            let file = folder.appendingPathComponent(name)
            do {
                return try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw ReasoningError.backendFailed(backend: "openai", reason: "cannot read the prompt file \(file.path)")
            }
        }
        return PromptTemplates(locator: try read(locatorFile), reasoner: try read(reasonerFile))
    }

    /// The `Prompts` folder of this module's resource bundle, looked up without crashing when it is missing
    /// (SwiftPM puts `<package>_<target>.resources` next to the executable or the test bundle).
    static func shippedDirectory() -> URL? {
        let bundleName = "LucidDrag_LucidReasoning.resources"
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        for base in candidates {
            for folder in [base.appendingPathComponent(bundleName).appendingPathComponent("Prompts"),
                           base.appendingPathComponent(bundleName)] {
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent(locatorFile).path) { return folder }
            }
        }
        return nil
    }

    /// `template` with every `{{key}}` replaced by its value.
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        values.reduce(template) { text, entry in text.replacingOccurrences(of: "{{\(entry.key)}}", with: entry.value) }
    }
}

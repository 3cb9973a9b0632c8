// `luciddrag keys generate`: CURVE key pairs for a tcp:// bus (the gateway's, and one per worker host).
import ArgumentParser
import Foundation
import LucidBus

/// `luciddrag keys …`: CURVE key files.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Make CURVE key files for a tcp:// bus.",
        subcommands: [GenerateKeysCommand.self])
}

/// Writes a new key pair as NAME.key_secret (owner-only) and NAME.key (the public key to hand out).
struct GenerateKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a new CURVE key pair: NAME.key_secret (mode 600) and NAME.key (public).",
        discussion: """
            Give the gateway its pair with --curve-key-file and an allow-list (the workers' NAME.key files, \
            concatenated) with --curve-allow; give each worker its pair and the gateway's NAME.key with \
            --curve-key-file and --curve-server-key.
            """)

    @Argument(help: "The files' base name, e.g. gateway or sampler-host2.")
    var name: String

    @Option(help: "Folder to write the files in (created if missing).")
    var out: String = "."

    @Flag(help: "Replace existing files of that name.")
    var force = false

    func validate() throws {
        guard !name.isEmpty, !name.contains("/") else { throw ValidationError("NAME must be a plain file name, got '\(name)'") }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let folder = URL(fileURLWithPath: out)
        let secretFile = folder.appendingPathComponent("\(name).key_secret").path
        let publicFile = folder.appendingPathComponent("\(name).key").path
        for file in [secretFile, publicFile] where FileManager.default.fileExists(atPath: file) {
            guard force else { throw ValidationError("\(file) exists; pass --force to replace it") }
            try FileManager.default.removeItem(atPath: file)
        }
        try CurveKeyPair.generate().write(secretFile: secretFile, publicFile: publicFile)
        print("wrote \(secretFile) (keep it secret) and \(publicFile)")
    }
}

// CURVE keys (libzmq's CurveZMQ): key pairs in Z85 text, read from and written to key files.
//
// A key-pair file holds both keys and must be private to its owner; a public-key file, or an
// allow-list of client keys, holds public keys only:
//     # comment
//     public-key = "<40 Z85 characters>"
//     secret-key = "<40 Z85 characters>"        (key-pair files only)
// An allow-list may also give one bare key per line. A Z85 key may hold '=' but never a space or '"',
// and never starts with '#' (digit 84; a first digit is at most ⌊2³²/85⁴⌋ = 82), which is what tells
// the three kinds of line apart.

import CZeroMQ
import Foundation

/// A CURVE key pair, each key 40 characters of Z85. Its description never shows the secret key.
public struct CurveKeyPair: Sendable, Equatable, CustomStringConvertible {
    public let publicKey: String
    public let secretKey: String

    /// A key pair made of `publicKey` and `secretKey`, refused unless both are 40-character Z85.
    public init(publicKey: String, secretKey: String) throws {
        try self.init(publicKey: publicKey, secretKey: secretKey, path: "")
    }

    /// A key pair from the file at `path` (named in errors; empty for keys given directly).
    private init(publicKey: String, secretKey: String, path: String) throws {
        try Self.check(publicKey, "public key", path: path)
        try Self.check(secretKey, "secret key", path: path)
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A new random key pair (libzmq's zmq_curve_keypair, from libsodium).
    public static func generate() throws -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw ZMQError.last("zmq_curve_keypair") }
        return try CurveKeyPair(publicKey: String(cString: publicKey), secretKey: String(cString: secretKey))
    }

    /// The key pair in the key-pair file at `path`; refused when others may read the file.
    public static func read(from path: String) throws -> CurveKeyPair {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let mode = attributes?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw BusError.curveKey(path, reason: "a secret key file must be readable by its owner only (chmod 600)")
        }
        let fields = try keyFields(in: path)
        guard let publicKey = fields["public-key"]?.first, let secretKey = fields["secret-key"]?.first else {
            throw BusError.curveKey(path, reason: "expected public-key = \"…\" and secret-key = \"…\" lines")
        }
        return try CurveKeyPair(publicKey: publicKey, secretKey: secretKey, path: path)
    }

    /// The one public key in the file at `path` (a public-key file, or a key-pair file).
    public static func readPublicKey(from path: String) throws -> String {
        let keys = try readPublicKeys(from: path)
        guard keys.count == 1, let key = keys.first else {
            throw BusError.curveKey(path, reason: "expected one public key, found \(keys.count)")
        }
        return key
    }

    /// Every public key in the file at `path`: `public-key = "…"` lines and bare keys (an allow-list).
    public static func readPublicKeys(from path: String) throws -> Set<String> {
        let fields = try keyFields(in: path)
        let keys = (fields["public-key"] ?? []) + (fields[""] ?? [])
        for key in keys { try check(key, "public key", path: path) }
        return Set(keys)
    }

    /// Writes the key pair to `secretFile` (mode 0600) and its public key to `publicFile` (0644).
    public func write(secretFile: String, publicFile: String) throws {
        let secret = "# LucidDrag CURVE key pair: keep this file secret\npublic-key = \"\(publicKey)\"\nsecret-key = \"\(secretKey)\"\n"
        guard FileManager.default.createFile(atPath: secretFile, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw BusError.curveKey(secretFile, reason: "cannot be written")
        }
        let shared = "# LucidDrag CURVE public key\npublic-key = \"\(publicKey)\"\n"
        guard FileManager.default.createFile(atPath: publicFile, contents: Data(shared.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw BusError.curveKey(publicFile, reason: "cannot be written")
        }
    }

    public var description: String { "CurveKeyPair(public: \(publicKey))" }

    /// The values of `name = "value"` lines by name, and bare values under "".
    private static func keyFields(in path: String) throws -> [String: [String]] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw BusError.curveKey(path, reason: "cannot be read (\(error.localizedDescription))")
        }
        var fields: [String: [String]] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let open = line.firstIndex(of: "\""), let equals = line[..<open].lastIndex(of: "=") {
                let name = line[..<equals].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: open)...].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                fields[name, default: []].append(value)
            } else {
                fields["", default: []].append(line)
            }
        }
        return fields
    }

    private static func check(_ key: String, _ what: String, path: String) throws {
        guard key.utf8.count == 40, zmqZ85Decodes(key) else {
            throw BusError.curveKey(path, reason: "a \(what) must be 40 characters of Z85")
        }
    }

    private static func zmqZ85Decodes(_ key: String) -> Bool {
        var bytes = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&bytes, key) != nil
    }
}

/// What a CURVE client needs: its own key pair and the public key of the server it trusts.
public struct CurveClientKeys: Sendable, Equatable {
    public var keyPair: CurveKeyPair
    public var serverKey: String

    public init(keyPair: CurveKeyPair, serverKey: String) {
        self.keyPair = keyPair
        self.serverKey = serverKey
    }
}

/// What a CURVE server (the broker on tcp://) needs: its key pair and the clients' public keys it lets in.
public struct CurveServerKeys: Sendable, Equatable {
    public var keyPair: CurveKeyPair
    public var allowedClients: Set<String>

    public init(keyPair: CurveKeyPair, allowedClients: Set<String>) {
        self.keyPair = keyPair
        self.allowedClients = allowedClients
    }
}

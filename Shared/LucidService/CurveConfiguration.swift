// CURVE on tcp:// from flags or the environment: the broker's key pair and allow-list (gateway), or
// a worker's key pair and the broker's public key. Key files are read here; keys are never logged.
import Foundation
import LucidBus

/// The environment variables that stand in for the CURVE flags.
public enum CurveEnvironment {
    public static let keyFile = "LUCID_CURVE_KEY_FILE"
    public static let serverKey = "LUCID_CURVE_SERVER_KEY"
    public static let allow = "LUCID_CURVE_ALLOW"
}

/// What CURVE a process uses: none, a client's keys (it connects to a CURVE broker over tcp://)
/// or a server's keys (its broker's tcp:// endpoints accept allow-listed clients only).
public enum CurveConfiguration {
    /// Resolves `--curve-key-file`, `--curve-server-key` and `--curve-allow` (each else its
    /// environment variable): a key file with a server key makes a client, with an allow-list a
    /// server; a key file alone, or a server key or allow-list without one, is refused.
    public static func resolve(
        keyFile: String?, serverKey: String?, allow: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (client: CurveClientKeys?, server: CurveServerKeys?) {
        let keyFile = ServiceEnvironment.value(flag: keyFile, variable: CurveEnvironment.keyFile, in: environment)
        let serverKey = ServiceEnvironment.value(flag: serverKey, variable: CurveEnvironment.serverKey, in: environment)
        let allow = ServiceEnvironment.value(flag: allow, variable: CurveEnvironment.allow, in: environment)
        guard let keyFile else {
            if serverKey != nil || allow != nil {
                throw ConfigurationError(description: "--curve-server-key and --curve-allow need --curve-key-file (this process's key pair)")
            }
            return (nil, nil)
        }
        guard (serverKey == nil) != (allow == nil) else {
            throw ConfigurationError(description:
                "--curve-key-file needs either --curve-server-key (a worker or client: the broker's public key) or --curve-allow (the gateway: the clients' public keys), not both")
        }
        do {
            let keyPair = try CurveKeyPair.read(from: keyFile)
            if let serverKey {
                return (CurveClientKeys(keyPair: keyPair, serverKey: try CurveKeyPair.readPublicKey(from: serverKey)), nil)
            }
            let allowList = allow ?? ""
            let allowed = try CurveKeyPair.readPublicKeys(from: allowList)
            guard !allowed.isEmpty else {
                throw ConfigurationError(description: "--curve-allow \(allowList) lists no public key: no client could connect")
            }
            return (nil, CurveServerKeys(keyPair: keyPair, allowedClients: allowed))
        } catch let error as BusError {
            throw ConfigurationError(description: error.description)
        }
    }
}

// The CURVE flags of a command-line client (`luciddrag edit --bus`, `luciddrag health`): this client's
// key pair and the gateway's public key, for a broker whose tcp:// endpoints only let allow-listed keys in.
import ArgumentParser
import Foundation
import LucidBus

/// `--curve-key-file` and `--curve-server-key` for a client of a CURVE broker.
public struct CurveClientOptions: ParsableArguments {
    @Option(help: "This client's CURVE key pair file (luciddrag keys generate), for a tcp:// bus with CURVE. Env: LUCID_CURVE_KEY_FILE.")
    public var curveKeyFile: String?

    @Option(help: "The file with the gateway's CURVE public key. Env: LUCID_CURVE_SERVER_KEY.")
    public var curveServerKey: String?

    public init() {}

    /// Reads the keys (flags, else the environment; an allow-list in the environment is the gateway's
    /// business and ignored here) and makes every later tcp:// connection of this process a CURVE
    /// client's. Nothing to do when neither is given.
    public func applyToSharedContext(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var environment = environment
        environment.removeValue(forKey: CurveEnvironment.allow)
        do {
            let keys = try CurveConfiguration.resolve(keyFile: curveKeyFile, serverKey: curveServerKey, allow: nil,
                                                      environment: environment)
            if let client = keys.client { ZMQContext.shared.curveClient = client }
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}

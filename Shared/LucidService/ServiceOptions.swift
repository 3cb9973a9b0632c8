// The command-line flags every LucidDrag service executable shares; each has an environment twin.
import ArgumentParser
import LucidBus

/// `--bus`, `--worker-id`, `--heartbeat-ms`, `--heartbeat-liveness`, `--log-level` and the CURVE key files.
public struct ServiceOptions: ParsableArguments {
    @Option(help: "Bus endpoint (inproc://, ipc:// or tcp://). Env: LUCID_BUS. Default: ipc:// in the runtime directory.")
    public var bus: String?

    @Option(help: "Worker id reported in logs and Health. Env: LUCID_WORKER_ID. Default: <service>-<host>-<pid>.")
    public var workerID: String?

    @Option(help: "Heartbeat interval in milliseconds. Env: LUCID_HEARTBEAT_MS. Default: 1000.")
    public var heartbeatMs: Int?

    @Option(help: "Missed heartbeats before a peer counts as dead. Env: LUCID_HEARTBEAT_LIVENESS. Default: 3.")
    public var heartbeatLiveness: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical. Env: LUCID_LOG_LEVEL. Default: info.")
    public var logLevel: String?

    @Option(help: "This process's CURVE key pair file (luciddrag keys generate), for a tcp:// bus. Env: LUCID_CURVE_KEY_FILE.")
    public var curveKeyFile: String?

    @Option(help: "Workers and clients: the file with the gateway's CURVE public key. Env: LUCID_CURVE_SERVER_KEY.")
    public var curveServerKey: String?

    @Option(help: "Gateway: the file of client public keys its tcp:// endpoints let in. Env: LUCID_CURVE_ALLOW.")
    public var curveAllow: String?

    public init() {}

    /// Resolves the flags against the environment and defaults for the named service.
    public func configuration(service: String) throws -> ServiceConfiguration {
        do {
            var configuration = try ServiceConfiguration.resolve(
                service: service, bus: bus, workerID: workerID, heartbeatMilliseconds: heartbeatMs,
                heartbeatLiveness: heartbeatLiveness, logLevel: logLevel)
            (configuration.curveClient, configuration.curveServer) = try CurveConfiguration.resolve(
                keyFile: curveKeyFile, serverKey: curveServerKey, allow: curveAllow)
            return configuration
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        } catch let error as BusError {
            throw ValidationError(error.description)
        }
    }
}

// What a LucidDrag process needs to join the bus, resolved from command-line flags, then environment
// variables, then defaults, so that the same executable runs under a shell, supervisord or a container.
import Foundation
import Logging
import LucidBus

/// The resolved settings of one service process.
public struct ServiceConfiguration: Sendable, Equatable {
    /// The broker endpoint: bound by the gateway, connected to by every worker and client.
    public var bus: BusEndpoint
    /// Identifies this worker in logs and Health replies.
    public var workerID: String
    /// How often worker and broker exchange heartbeats.
    public var heartbeatInterval: Duration
    /// How many intervals may pass in silence before a peer counts as dead.
    public var heartbeatLiveness: Int
    /// The lowest level that is logged.
    public var logLevel: Logger.Level
    /// A worker's CURVE keys for a tcp:// bus (nil: plain tcp://).
    public var curveClient: CurveClientKeys?
    /// The gateway's CURVE keys: its broker's tcp:// endpoints then let in allow-listed clients only.
    public var curveServer: CurveServerKeys?

    public init(
        bus: BusEndpoint, workerID: String, heartbeatInterval: Duration = .milliseconds(1000),
        heartbeatLiveness: Int = 3, logLevel: Logger.Level = .info
    ) {
        self.bus = bus
        self.workerID = workerID
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatLiveness = heartbeatLiveness
        self.logLevel = logLevel
    }
}

/// The environment variables that stand in for flags (a flag wins when both are given).
public enum ServiceEnvironment {
    public static let bus = "LUCID_BUS"
    public static let workerID = "LUCID_WORKER_ID"
    public static let heartbeatMilliseconds = "LUCID_HEARTBEAT_MS"
    public static let heartbeatLiveness = "LUCID_HEARTBEAT_LIVENESS"
    public static let logLevel = "LUCID_LOG_LEVEL"

    /// A setting's text: the flag when given, else the environment variable when set and not empty.
    static func value(flag: String?, variable: String, in environment: [String: String]) -> String? {
        if let flag { return flag }
        if let value = environment[variable], !value.isEmpty { return value }
        return nil
    }
}

/// A flag or environment value that could not be understood.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
}

extension ServiceConfiguration {
    /// The endpoint used when neither `--bus` nor `LUCID_BUS` is given: `bus.sock` in the owner-only
    /// runtime directory (`$XDG_RUNTIME_DIR/luciddrag`, else `/tmp/luciddrag-<uid>`).
    public static func defaultBus() throws -> BusEndpoint {
        try BusEndpoint.ipc(named: "bus")
    }

    /// The bus endpoint from a `--bus` flag, else `LUCID_BUS`, else ``defaultBus()``, parsed. For
    /// clients, which need nothing else of the configuration.
    public static func bus(
        flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> BusEndpoint {
        guard let text = ServiceEnvironment.value(flag: flag, variable: ServiceEnvironment.bus, in: environment) else {
            return try defaultBus()
        }
        return try BusEndpoint(text)
    }

    /// A worker id unique on this host: "<service>-<hostname>-<pid>".
    public static func defaultWorkerID(for service: String) -> String {
        "\(service)-\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }

    /// Resolves each setting from its flag, else its environment variable, else the default.
    public static func resolve(
        service: String, bus: String?, workerID: String?, heartbeatMilliseconds: Int?,
        heartbeatLiveness: Int?, logLevel: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServiceConfiguration {
        func text(_ flag: String?, _ variable: String) -> String? {
            ServiceEnvironment.value(flag: flag, variable: variable, in: environment)
        }
        func positive(_ flag: Int?, _ variable: String, name: String) throws -> Int? {
            if let flag {
                guard flag > 0 else { throw ConfigurationError(description: "\(name) must be positive, got \(flag)") }
                return flag
            }
            guard let raw = text(nil, variable) else { return nil }
            guard let value = Int(raw), value > 0 else {
                throw ConfigurationError(description: "\(variable) must be a positive integer, got '\(raw)'")
            }
            return value
        }
        var configuration = ServiceConfiguration(
            bus: try Self.bus(flag: bus, environment: environment),
            workerID: text(workerID, ServiceEnvironment.workerID) ?? defaultWorkerID(for: service)
        )
        if let milliseconds = try positive(heartbeatMilliseconds, ServiceEnvironment.heartbeatMilliseconds, name: "--heartbeat-ms") {
            configuration.heartbeatInterval = .milliseconds(milliseconds)
        }
        if let liveness = try positive(heartbeatLiveness, ServiceEnvironment.heartbeatLiveness, name: "--heartbeat-liveness") {
            configuration.heartbeatLiveness = liveness
        }
        if let raw = text(logLevel, ServiceEnvironment.logLevel) {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(description: "log level '\(raw)' is not one of \(levels)")
            }
            configuration.logLevel = level
        }
        return configuration
    }
}

extension ServiceConfiguration {
    /// The heartbeat settings for the broker and its workers.
    public var heartbeat: Heartbeat {
        Heartbeat(interval: heartbeatInterval, liveness: heartbeatLiveness)
    }
}

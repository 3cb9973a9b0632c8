/// ServiceFleet: the processes of one scale run — a gateway (the broker), a reasoner, a discriminator
/// and N samplers, each its own executable on one bus endpoint — started, waited for and stopped.
import Foundation
import LucidBus
#if canImport(Glibc)
import Glibc
#endif

/// Real service processes on one bus, with their output in log files.
public final class ServiceFleet {
    /// The bus every process of the fleet is on.
    public let bus: BusEndpoint
    /// The worker ids of the samplers ("sampler-1", …).
    public let samplerIDs: [String]
    /// Where each process writes its log (`<label>.log`).
    public let logDirectory: URL
    private var processes: [(label: String, process: Process)] = []

    /// Starts the gateway on `bus`, then a reasoner, a discriminator (one thread) and the shape's
    /// samplers, from the executables in `binDirectory`; each loads `model` when given.
    public init(shape: FleetShape, bus: BusEndpoint, binDirectory: URL, model: String?, logDirectory: URL) throws {
        self.bus = bus
        self.logDirectory = logDirectory
        samplerIDs = (1...shape.samplers).map { "sampler-\($0)" }
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let modelFlags = model.map { ["--model", $0] } ?? []
        do {
            try start("luciddrag-gateway", ["--worker-id", "gateway"], label: "gateway", from: binDirectory)
            try start("luciddrag-reasoner", ["--worker-id", "reasoner"], label: "reasoner", from: binDirectory)
            try start("luciddrag-discriminator", ["--worker-id", "discriminator", "--threads", "1"] + modelFlags,
                      label: "discriminator", from: binDirectory)
            for id in samplerIDs {
                try start("luciddrag-sampler", ["--worker-id", id, "--threads", "\(shape.threads)"] + modelFlags,
                          label: id, from: binDirectory)
            }
        } catch {
            _ = stop()
            throw error
        }
    }

    deinit {
        for entry in processes where entry.process.isRunning { kill(entry.process.processIdentifier, SIGKILL) }
    }

    private func start(_ executable: String, _ arguments: [String], label: String, from binDirectory: URL) throws {
        let binary = binDirectory.appendingPathComponent(executable)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw ScaleBenchError.notBuilt(binary.path) }
        let logURL = logDirectory.appendingPathComponent("\(label).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        defer { try? log.close() }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--bus", bus.description] + arguments
        var environment = ProcessInfo.processInfo.environment
        for name in ["LUCID_BUS", "LUCID_THREADS", "LUCID_WORKER_ID", "OPENBLAS_NUM_THREADS"] { environment.removeValue(forKey: name) }
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        processes.append((label, process))
    }

    /// Waits until the reasoner and the discriminator answer Health and every sampler has answered it
    /// (the broker hands each call to the worker idle longest, so registered samplers take turns).
    public func waitUntilReady(client: RPCClient, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now + timeout
        var missing: [String: Set<String>] = [
            "lucid.v1.Reasoner": [], "lucid.v1.Discriminator": [], "lucid.v1.Sampler": Set(samplerIDs),
        ]
        while !missing.isEmpty {
            if let dead = processes.first(where: { !$0.process.isRunning }) {
                throw ScaleBenchError.fleetFailed("\(dead.label) exited with status \(dead.process.terminationStatus); "
                    + "see \(logDirectory.appendingPathComponent("\(dead.label).log").path)")
            }
            guard ContinuousClock.now < deadline else {
                throw ScaleBenchError.fleetFailed("still waiting for \(missing.keys.sorted()) after \(timeout); logs in \(logDirectory.path)")
            }
            for (service, ids) in missing {
                guard let health = try? await client.health(service: service, deadline: .seconds(2)) else { continue }
                let left = ids.subtracting([health.workerID])
                missing[service] = left.isEmpty ? nil : left
            }
            if !missing.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
    }

    /// SIGTERMs every process, last started first, waits up to 20 s each (then SIGKILL); returns the
    /// labels of those that did not exit 0.
    @discardableResult
    public func stop() -> [String] {
        var unclean: [String] = []
        for entry in processes.reversed() {
            if entry.process.isRunning { kill(entry.process.processIdentifier, SIGTERM) }
            let deadline = Date().addingTimeInterval(20)
            while entry.process.isRunning && Date() < deadline { usleep(20_000) }
            if entry.process.isRunning {
                kill(entry.process.processIdentifier, SIGKILL)
                entry.process.waitUntilExit()
            }
            if entry.process.terminationStatus != 0 { unclean.append(entry.label) }
        }
        processes = []
        return unclean
    }

    /// A tcp:// endpoint on 127.0.0.1 with a port the kernel reports free right now.
    public static func freeLoopbackTCP() throws -> BusEndpoint {
        let socket = try ZMQContext.shared.socket(.router)
        defer { socket.close() }
        return try socket.bind(BusEndpoint("tcp://127.0.0.1:*"))
    }
}

/// FleetShape: how many sampler processes a scale run starts and how many threads each may use.
import Foundation

/// Sampler processes × engine (and OpenBLAS) threads each, written "2x1".
public struct FleetShape: Sendable, Hashable, Codable, CustomStringConvertible {
    public let samplers: Int
    public let threads: Int

    public init(samplers: Int, threads: Int) {
        self.samplers = samplers
        self.threads = threads
    }

    /// Parses "SAMPLERSxTHREADS", e.g. "1x2" or "4x1".
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: "x").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let samplers = parts[0], let threads = parts[1], samplers >= 1, threads >= 1 else {
            throw ScaleBenchError.invalid("a fleet is SAMPLERSxTHREADS with both at least 1, e.g. 2x1; got '\(text)'")
        }
        self.init(samplers: samplers, threads: threads)
    }

    public var description: String { "\(samplers)x\(threads)" }

    /// "2 samplers × 1 thread".
    public var words: String {
        "\(samplers) sampler\(samplers == 1 ? "" : "s") × \(threads) thread\(threads == 1 ? "" : "s")"
    }
}

/// A scale benchmark that cannot run as asked.
public enum ScaleBenchError: Error, CustomStringConvertible {
    case invalid(String)
    case notBuilt(String)
    case fleetFailed(String)

    public var description: String {
        switch self {
        case .invalid(let message): return message
        case .notBuilt(let path): return "\(path) is not built: run `swift build` (or pass --bin DIR)"
        case .fleetFailed(let message): return message
        }
    }
}

/// CPU time and memory readings from Linux /proc: the whole machine's busy time, this process's
/// CPU time and its peak resident memory (which can be reset between benchmark rows).
import Foundation
import LucidTensor

/// A snapshot of CPU time, to tell how much CPU other processes used during a measurement.
public struct CPUSnapshot: Sendable {
    /// Busy clock ticks of the whole machine (all CPUs, everything but idle and iowait).
    public let machineBusyTicks: Int
    /// User + system clock ticks of this process.
    public let ownTicks: Int

    /// Reads /proc/stat and /proc/self/stat now.
    public static func now() throws -> CPUSnapshot {
        let stat = try String(contentsOfFile: "/proc/stat", encoding: .utf8)
        guard let cpuLine = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else {
            throw ProcessUsageError.unreadable("/proc/stat has no cpu line")
        }
        let fields = cpuLine.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard fields.count >= 4 else { throw ProcessUsageError.unreadable("/proc/stat cpu line: \(cpuLine)") }
        // user nice system idle iowait irq softirq steal …
        let busy = fields.enumerated().filter { $0.offset != 3 && $0.offset != 4 && $0.offset < 8 }.map(\.element).reduce(0, +)
        return CPUSnapshot(machineBusyTicks: busy, ownTicks: try CPUSnapshot.processTicks("/proc/self/stat"))
    }

    /// utime + stime of the process whose stat file is `path`.
    static func processTicks(_ path: String) throws -> Int {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // The command name (field 2) may contain spaces; fields after the closing parenthesis.
        guard let close = text.lastIndex(of: ")") else { throw ProcessUsageError.unreadable(path) }
        let rest = text[text.index(after: close)...].split(separator: " ")
        // rest[0] is field 3 (state); utime is field 14, stime field 15.
        guard rest.count > 12, let user = Int(rest[11]), let system = Int(rest[12]) else {
            throw ProcessUsageError.unreadable(path)
        }
        return user + system
    }

    /// CPU seconds this process used since `start`.
    public func ownSeconds(since start: CPUSnapshot) -> Double {
        Double(ownTicks - start.ownTicks) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Seconds of CPU that processes other than this one used since `start`.
    public func otherProcessesSeconds(since start: CPUSnapshot) -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let other = (machineBusyTicks - start.machineBusyTicks) - (ownTicks - start.ownTicks)
        return Double(Swift.max(other, 0)) / ticksPerSecond
    }
}

/// Peak resident memory of this process.
public enum PeakMemory {
    /// The high-water mark of resident memory (VmHWM), in bytes.
    public static func bytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb * 1024
    }

    /// Returns freed heap memory to the system (glibc `malloc_trim`), then resets the high-water
    /// mark to the current resident size (Linux `clear_refs` 5), so the next reading is the peak of
    /// what runs in between. Returns false where the kernel refuses.
    @discardableResult
    public static func reset() -> Bool {
        Engine.releaseFreeMemory()
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }
}

/// /proc could not be read (not Linux, or a format this code does not know).
public enum ProcessUsageError: Error, CustomStringConvertible {
    case unreadable(String)
    public var description: String {
        switch self { case .unreadable(let what): return "cannot read CPU usage: \(what)" }
    }
}

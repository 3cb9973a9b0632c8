/// One benchmark row: how to set it up, what is timed, and what a measurement of it found.
import Foundation
import LucidTensor

/// A benchmark row. `prepare` builds the inputs and models (untimed) and returns the work to time.
public struct BenchCase: Sendable {
    /// Row name, shared with the PyTorch twin (`Benchmarks/reference/engine_bench.py`).
    public let name: String
    /// True for the multi-second rows whose repetitions `--huge-reps` may lower.
    public let isHuge: Bool
    public let prepare: @Sendable () throws -> () throws -> Void

    public init(name: String, isHuge: Bool = false, prepare: @escaping @Sendable () throws -> () throws -> Void) {
        self.name = name
        self.isHuge = isHuge
        self.prepare = prepare
    }
}

/// What one side (Swift or PyTorch) measured for a row.
public struct BenchMeasurement: Codable, Sendable {
    /// Wall seconds of each timed repetition.
    public var seconds: [Double]
    /// Floating-point operations of one repetition (GEMM/convolution/attention products), if known.
    public var flops: Double?
    /// Peak resident memory during the row (setup included), bytes.
    public var peakRSS: Int
    /// CPU seconds other processes used while the repetitions ran.
    public var otherCPUSeconds: Double
    /// CPU seconds this side used per repetition (all its threads).
    public var ownCPUSeconds: Double

    public init(seconds: [Double], flops: Double?, peakRSS: Int, otherCPUSeconds: Double, ownCPUSeconds: Double) {
        self.seconds = seconds
        self.flops = flops
        self.peakRSS = peakRSS
        self.otherCPUSeconds = otherCPUSeconds
        self.ownCPUSeconds = ownCPUSeconds
    }

    enum CodingKeys: String, CodingKey {
        case seconds, flops
        case peakRSS = "peak_rss"
        case otherCPUSeconds = "other_cpu_seconds"
        case ownCPUSeconds = "own_cpu_seconds"
    }

    /// Median of the repetitions.
    public var median: Double { seconds.median }

    /// True when other processes used more than `threshold` of one CPU on average while timing
    /// (and more than 0.05 CPU·s: /proc counts in 10 ms ticks, so less is below its resolution).
    public func isNoisy(threshold: Double) -> Bool {
        otherCPUSeconds > Swift.max(threshold * seconds.reduce(0, +), 0.05)
    }
}

extension BenchCase {
    /// Runs the row: setup, `warmups` untimed runs, then `reps` timed runs, watching other
    /// processes' CPU use and this process's peak memory.
    public func measure(reps: Int, warmups: Int) throws -> BenchMeasurement {
        PeakMemory.reset()
        var seconds: [Double] = []
        var flops: Double? = nil
        var other = 0.0, own = 0.0
        do {
            let work = try prepare()
            for _ in 0..<warmups { try work() }
            let start = try CPUSnapshot.now()
            for _ in 0..<reps {
                let flopsBefore = Engine.gemmFlops
                let t0 = DispatchTime.now().uptimeNanoseconds
                try work()
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                flops = Double(Engine.gemmFlops - flopsBefore)
            }
            let end = try CPUSnapshot.now()
            other = end.otherProcessesSeconds(since: start)
            own = end.ownSeconds(since: start) / Double(Swift.max(reps, 1))
        }
        return BenchMeasurement(seconds: seconds, flops: flops, peakRSS: PeakMemory.bytes(), otherCPUSeconds: other, ownCPUSeconds: own)
    }
}

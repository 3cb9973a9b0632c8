/// FleetResult: what one fleet on one transport measured — a batch's throughput and latencies, one
/// N-intention edit spread over the samplers, and single edits with the time spent outside the sampler.
import Foundation

/// The figures of one (transport, fleet) row.
public struct FleetResult: Sendable, Codable {
    public let transport: String
    public let fleet: FleetShape

    /// Edits of the batch (one intention each, all sent at once) and the seconds until the last came back.
    public let batchEdits: Int
    public let batchSeconds: Double
    /// Each batch edit's latency (sent → result), in seconds, in completion order.
    public let batchLatencies: [Double]
    /// How many distinct samplers made the batch's edits.
    public let batchSamplersUsed: Int

    /// One edit of `spreadIntentions` intentions: its latency and the samplers that made them.
    public let spreadIntentions: Int
    public let spreadSeconds: Double
    public let spreadSamplersUsed: Int

    /// Single one-intention edits, one at a time: client latency and the sampler's own seconds.
    public let singleLatencies: [Double]
    public let singleSamplerSeconds: [Double]

    /// Edits per minute over the batch.
    public var editsPerMinute: Double { Double(batchEdits) * 60 / batchSeconds }
    public var batchP50: Double { Self.percentile(batchLatencies, 0.5) }
    public var batchP95: Double { Self.percentile(batchLatencies, 0.95) }
    /// The median single edit's latency.
    public var singleSeconds: Double { Self.percentile(singleLatencies, 0.5) }
    /// The median share of a single edit's latency spent outside the sampler's edit (the reasoner, the
    /// gateway, and the bus to and from the sampler), in percent.
    public var outsideSamplerPercent: Double {
        Self.percentile(zip(singleLatencies, singleSamplerSeconds).map { 100 * ($0 - $1) / $0 }, 0.5)
    }

    public init(transport: String, fleet: FleetShape, batchEdits: Int, batchSeconds: Double, batchLatencies: [Double],
                batchSamplersUsed: Int, spreadIntentions: Int, spreadSeconds: Double, spreadSamplersUsed: Int,
                singleLatencies: [Double], singleSamplerSeconds: [Double]) {
        self.transport = transport
        self.fleet = fleet
        self.batchEdits = batchEdits
        self.batchSeconds = batchSeconds
        self.batchLatencies = batchLatencies
        self.batchSamplersUsed = batchSamplersUsed
        self.spreadIntentions = spreadIntentions
        self.spreadSeconds = spreadSeconds
        self.spreadSamplersUsed = spreadSamplersUsed
        self.singleLatencies = singleLatencies
        self.singleSamplerSeconds = singleSamplerSeconds
    }

    /// The nearest-rank percentile `p` (0…1) of `values`; NaN when empty.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

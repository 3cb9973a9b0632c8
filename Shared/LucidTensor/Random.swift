/// Seeded random numbers for reproducible weights and noise (not cryptographic).
import CLucidKernels

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same stream everywhere.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform float in [0, 1).
    @inline(__always) mutating func nextUnit() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }
}

extension Tensor {
    /// Normally distributed values with the given mean and standard deviation. Filled in blocks
    /// of 64 K elements (in parallel), each from its own stream derived from one draw of
    /// `generator`, so the values do not depend on the thread count.
    public static func randomNormal(
        _ shape: [Int], mean: Float = 0, std: Float = 1, generator: inout SeededGenerator
    ) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        let p = t.mutablePointer
        let n = t.count
        let base = generator.next()
        let block = 1 << 16
        let blocks = (n + block - 1) / block
        parallelRanges(blocks, costPerItem: block) { r in
            for b in r {
                let start = b * block
                let seed = base ^ (UInt64(b) &* 0xD1B5_4A32_D192_ED03)
                lucid_fill_normal(p + start, Swift.min(block, n - start), seed, mean, std)
            }
        }
        return t
    }

    /// Uniformly distributed values in [low, high).
    public static func randomUniform(
        _ shape: [Int], low: Float = 0, high: Float = 1, generator: inout SeededGenerator
    ) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        let p = t.mutablePointer
        for i in 0..<t.count { p[i] = low + (high - low) * generator.nextUnit() }
        return t
    }
}

/// The noise of the regional SDE and of time travel: drawn from a seed, or replayed from a list
/// (the parity test feeds PyTorch's draws in the order the sampler asks for them).
import LucidTensor

/// Hands out standard-normal tensors in order.
public protocol NoiseSource {
    /// The next draw, of `shape`.
    mutating func next(_ shape: [Int]) throws -> Tensor
}

/// Draws from a seeded generator: the same seed gives the same edit.
public struct SeededNoise: NoiseSource {
    private var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    public mutating func next(_ shape: [Int]) throws -> Tensor {
        Tensor.randomNormal(shape, generator: &generator)
    }
}

/// Replays given tensors in order; running out is an error.
public struct ReplayedNoise: NoiseSource {
    private var draws: [Tensor]

    public init(_ draws: [Tensor]) { self.draws = draws }

    public mutating func next(_ shape: [Int]) throws -> Tensor {
        guard !draws.isEmpty else { throw EditingError.invalidInput("the replayed noise ran out") }
        let draw = draws.removeFirst()
        guard draw.shape == shape else {
            throw EditingError.invalidInput("replayed noise of shape \(draw.shape), wanted \(shape)")
        }
        return draw
    }
}

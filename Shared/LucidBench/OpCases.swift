/// Benchmark rows for single tensor ops at the sizes of SD-1.5's highest-resolution UNet level
/// (320 channels, 64×64 latent = 4096 tokens), each mirrored in the PyTorch twin.
import LucidTensor

extension BenchCase {
    /// The op rows, in table order.
    public static var opCases: [BenchCase] {
        [
            BenchCase(name: "op conv3x3 320ch 64x64") {
                let x = seeded([1, 320, 64, 64], 1), w = seeded([320, 320, 3, 3], 2, std: 0.02), b = seeded([320], 3)
                return { _ = try conv2d(x, weight: w, bias: b, padding: Padding2D(1)) }
            },
            BenchCase(name: "op conv3x3 fwd+input-grad 320ch 64x64") {
                let x = seeded([1, 320, 64, 64], 1), w = seeded([320, 320, 3, 3], 2, std: 0.02)
                let seed = Tensor(ones: [1, 320, 64, 64])
                return {
                    let tape = GradientTape()
                    let watched = tape.watch(x)
                    let y = try conv2d(watched, weight: w, padding: Padding2D(1))
                    _ = try tape.gradient(of: y, wrt: watched, seed: seed)
                }
            },
            BenchCase(name: "op conv1x1 320ch 64x64") {
                let x = seeded([1, 320, 64, 64], 1), w = seeded([320, 320, 1, 1], 2, std: 0.05), b = seeded([320], 3)
                return { _ = try conv2d(x, weight: w, bias: b) }
            },
            BenchCase(name: "op linear 4096x320->2560") {
                let x = seeded([1, 4096, 320], 1), w = seeded([2560, 320], 2, std: 0.05), b = seeded([2560], 3)
                return { _ = try linear(x, weight: w, bias: b) }
            },
            BenchCase(name: "op self-attention 4096 tok 8x40") {
                let q = seeded([1, 4096, 320], 1), k = seeded([1, 4096, 320], 2), v = seeded([1, 4096, 320], 3)
                return { _ = try scaledDotProductAttention(query: q, key: k, value: v, heads: 8) }
            },
            BenchCase(name: "op cross-attention 4096x77 8x40") {
                let q = seeded([1, 4096, 320], 1), k = seeded([1, 77, 320], 2), v = seeded([1, 77, 320], 3)
                return { _ = try scaledDotProductAttention(query: q, key: k, value: v, heads: 8) }
            },
            BenchCase(name: "op groupnorm+silu 320ch 64x64") {
                let x = seeded([1, 320, 64, 64], 1), w = seeded([320], 2), b = seeded([320], 3)
                return { _ = try groupNorm(x, groups: 32, weight: w, bias: b, eps: 1e-5, activation: .silu) }
            },
            BenchCase(name: "op geglu 4096x2560") {
                let x = seeded([1, 4096, 2560], 1)
                return { _ = try geglu(x) }
            },
        ]
    }
}

/// A seeded normal tensor for benchmark inputs.
func seeded(_ shape: [Int], _ seed: UInt64, std: Float = 1) -> Tensor {
    var g = SeededGenerator(seed: seed)
    return Tensor.randomNormal(shape, std: std, generator: &g)
}

/// The UNet's timestep conditioning: the sinusoidal `time_proj` (Vaswani et al. 2017, as in Ho et
/// al. 2020) and the `time_embedding` MLP (`linear_1 → SiLU → linear_2`).
import Foundation
import LucidTensor

/// Sinusoidal features of timesteps `[N]` → `[N, width]`: `cos` half first when `flipSinToCos`
/// (diffusers `get_timestep_embedding`, max period 10000).
public func sinusoidalTimestepFeatures(_ timesteps: [Float], width: Int, flipSinToCos: Bool = true,
                                       frequencyShift: Float = 0) -> Tensor {
    let half = width / 2
    // Float32 arithmetic in torch's order, so the angles (up to ~1000 rad) round the same way.
    let logPeriod = Float(-log(10000.0))
    let frequencies = (0..<half).map { i in exp(logPeriod * Float(i) / (Float(half) - frequencyShift)) }
    return Tensor(shape: [timesteps.count, width]) { out in
        for i in out.indices { out[i] = 0 }  // an odd width ends in a zero column, as in diffusers
        for (row, t) in timesteps.enumerated() {
            for (j, frequency) in frequencies.enumerated() {
                let angle = t * frequency
                let (first, second) = flipSinToCos ? (cos(angle), sin(angle)) : (sin(angle), cos(angle))
                out[row * width + j] = first
                out[row * width + half + j] = second
            }
        }
    }
}

/// `linear_2(SiLU(linear_1(features)))`: the timestep features mapped to the ResNets' time input.
public final class TimestepEmbedding: Module {
    @Child(key: "linear_1") public var linear1: Linear
    @Child(key: "linear_2") public var linear2: Linear

    public init(inputs: Int, width: Int) {
        super.init()
        linear1 = Linear(inputs, width)
        linear2 = Linear(width, width)
    }

    public func callAsFunction(_ features: Tensor) throws -> Tensor {
        try linear2(silu(linear1(features)))
    }
}

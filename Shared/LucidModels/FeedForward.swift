/// `FeedForward`: the transformer blocks' gated MLP, `Linear(4C → C) ∘ GEGLU` (Shazeer 2020,
/// "GLU Variants Improve Transformer"), keyed `ff.net.0.proj` and `ff.net.2` as in diffusers.
import LucidTensor

/// The gated projection: `proj` maps C to 2·inner (value, gate); the output is `value · GELU(gate)`.
public final class GEGLU: Module {
    @Child public var proj: Linear

    public init(_ inputs: Int, _ outputs: Int) {
        super.init()
        proj = Linear(inputs, 2 * outputs)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try geglu(proj(x))
    }
}

/// `net.2(GEGLU(x))`: width C → inner (4·C) → C.
public final class FeedForward: Module {
    @Child(key: "net.0") public var gatedProjection: GEGLU
    @Child(key: "net.2") public var output: Linear

    public init(width: Int, multiplier: Int = 4) {
        super.init()
        gatedProjection = GEGLU(width, multiplier * width)
        output = Linear(multiplier * width, width)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try output(gatedProjection(x))
    }
}

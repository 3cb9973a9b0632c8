/// `Attention`: diffusers' multi-head attention layer (Vaswani et al. 2017) — the UNet's self- and
/// cross-attention (bias-free `to_q/to_k/to_v`) and the VAE mid block's single-head spatial
/// attention (with biases and its own `group_norm`).
import LucidTensor

/// Receives the keys and values of a self-attention layer (`[B, L, C]`, after `to_k`/`to_v`) and
/// returns the keys and values to attend over — the same, or extended along the token axis (axis 1).
public typealias KeyValueHook = (_ keys: Tensor, _ values: Tensor) throws -> (keys: Tensor, values: Tensor)

/// `to_out(softmax(q·kᵀ/√d)·v)` with `q = to_q(x)`, `k = to_k(context)`, `v = to_v(context)`.
public final class Attention: Module {
    /// Normalises NCHW input before the projections (only the VAE's spatial attention has one).
    @Child(key: "group_norm") public var groupNorm: GroupNorm?
    @Child(key: "to_q") public var toQuery: Linear
    @Child(key: "to_k") public var toKey: Linear
    @Child(key: "to_v") public var toValue: Linear
    @Child(key: "to_out.0") public var toOut: Linear
    /// Number of heads the `heads · headWidth` projections split into.
    public let heads: Int

    /// An attention of `queryDim`-wide tokens over `contextDim`-wide ones (equal for self-attention)
    /// with `heads` heads of `headWidth`; `groupNormGroups` adds the spatial variant's input norm.
    public init(queryDim: Int, contextDim: Int? = nil, heads: Int, headWidth: Int, bias: Bool,
                groupNormGroups: Int? = nil, groupNormEps: Float = 1e-6) {
        self.heads = heads
        super.init()
        let inner = heads * headWidth
        groupNorm = groupNormGroups.map { GroupNorm(groups: $0, channels: queryDim, eps: groupNormEps) }
        toQuery = Linear(queryDim, inner, bias: bias)
        toKey = Linear(contextDim ?? queryDim, inner, bias: bias)
        toValue = Linear(contextDim ?? queryDim, inner, bias: bias)
        toOut = Linear(inner, queryDim)
    }

    /// Attention of tokens `x` (`[B, L, C]`) over `context` (`[B, L', C']`; nil = self-attention).
    /// `keyValueHook` sees (and may extend) the keys and values before attending.
    public func callAsFunction(_ x: Tensor, context: Tensor? = nil, keyValueHook: KeyValueHook? = nil) throws -> Tensor {
        let source = context ?? x
        let query = try toQuery(x)
        var key = try toKey(source), value = try toValue(source)
        if let keyValueHook {
            (key, value) = try keyValueHook(key, value)
        }
        let attended = try scaledDotProductAttention(query: query, key: key, value: value, heads: heads)
        return try toOut(attended)
    }

    /// The VAE mid block's residual self-attention over the pixels of `x` (`[B, C, H, W]`):
    /// `x + attention(group_norm(x))`, computed token-major and returned as NCHW.
    public func spatial(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4 else {
            throw TensorError.shapeMismatch("spatial attention: input \(x.shape) is not [B, C, H, W]")
        }
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let normed = try groupNorm.map { try $0(x) } ?? x
        let tokens = try normed.reshaped([b, c, h * w]).transposed(1, 2)
        let attended = try self(tokens)
        return try x + attended.transposed(1, 2).reshaped([b, c, h, w])
    }
}

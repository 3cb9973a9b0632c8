/// `Transformer2DModel` and `BasicTransformerBlock`: the spatial transformer of the UNet's
/// cross-attention blocks (Rombach et al. 2022, "High-Resolution Image Synthesis with Latent
/// Diffusion Models"): self-attention over pixels, cross-attention to the text, gated MLP.
import LucidTensor

/// `x + attn1(norm1 x)`, then `+ attn2(norm2 x, text)`, then `+ ff(norm3 x)`, over tokens `[B, L, C]`.
public final class BasicTransformerBlock: Module {
    @Child public var norm1: LayerNorm
    /// Self-attention (cross-attention to the text when the UNet is `only_cross_attention`).
    @Child public var attn1: Attention
    @Child public var norm2: LayerNorm
    /// Cross-attention to the text embeddings.
    @Child public var attn2: Attention
    @Child public var norm3: LayerNorm
    @Child public var ff: FeedForward
    /// Whether `attn1` attends to the text instead of the pixels.
    public let onlyCrossAttention: Bool

    public init(width: Int, heads: Int, contextDim: Int, onlyCrossAttention: Bool, eps: Float = 1e-5) {
        self.onlyCrossAttention = onlyCrossAttention
        super.init()
        let headWidth = width / heads
        norm1 = LayerNorm(width, eps: eps)
        attn1 = Attention(queryDim: width, contextDim: onlyCrossAttention ? contextDim : width,
                          heads: heads, headWidth: headWidth, bias: false)
        norm2 = LayerNorm(width, eps: eps)
        attn2 = Attention(queryDim: width, contextDim: contextDim, heads: heads, headWidth: headWidth, bias: false)
        norm3 = LayerNorm(width, eps: eps)
        ff = FeedForward(width: width)
    }

    /// The block on tokens `x` with text `context`; `selfAttentionHook` sees `attn1`'s keys/values.
    public func callAsFunction(_ x: Tensor, context: Tensor, selfAttentionHook: KeyValueHook? = nil) throws -> Tensor {
        var selfAttended = try attn1(norm1(x), context: onlyCrossAttention ? context : nil, keyValueHook: selfAttentionHook)
        try selfAttended += x
        var crossAttended = try attn2(norm2(selfAttended), context: context)
        try crossAttended += selfAttended
        var out = try ff(norm3(crossAttended))
        try out += crossAttended
        return out
    }
}

/// `x + proj_out(blocks(proj_in(norm x)))` with the pixels of `x` (`[B, C, H, W]`) as tokens.
public final class Transformer2DModel: Module {
    @Child public var norm: GroupNorm
    /// 1×1 convolution (SD-1) or linear layer (`use_linear_projection`, SD-2) into the token width.
    @Child(key: "proj_in") public var projectionIn: Module
    @Child(key: "transformer_blocks") public var transformerBlocks: [BasicTransformerBlock]
    @Child(key: "proj_out") public var projectionOut: Module

    /// A transformer over `channels`-wide pixels with `heads` heads and `depth` blocks.
    public init(channels: Int, heads: Int, depth: Int, contextDim: Int, groups: Int,
                useLinearProjection: Bool, onlyCrossAttention: Bool) {
        super.init()
        norm = GroupNorm(groups: groups, channels: channels, eps: 1e-6)
        projectionIn = useLinearProjection ? Linear(channels, channels) : Conv2d(channels, channels, kernel: 1)
        transformerBlocks = (0..<depth).map { _ in
            BasicTransformerBlock(width: channels, heads: heads, contextDim: contextDim,
                                  onlyCrossAttention: onlyCrossAttention)
        }
        projectionOut = useLinearProjection ? Linear(channels, channels) : Conv2d(channels, channels, kernel: 1)
    }

    /// The transformer applied to `x` with text `context` (`[B, L', contextDim]`);
    /// `selfAttentionHook(blockIndex)` gives the hook for transformer block `blockIndex`'s `attn1`.
    public func callAsFunction(_ x: Tensor, context: Tensor,
                               selfAttentionHook: ((Int) -> KeyValueHook?)? = nil) throws -> Tensor {
        guard x.rank == 4 else {
            throw TensorError.shapeMismatch("Transformer2DModel: input \(x.shape) is not [B, C, H, W]")
        }
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var tokens = try norm(x)
        if let conv = projectionIn as? Conv2d { tokens = try conv(tokens) }
        tokens = try tokens.reshaped([b, c, h * w]).transposed(1, 2)
        if let linear = projectionIn as? Linear { tokens = try linear(tokens) }
        for (index, block) in transformerBlocks.enumerated() {
            tokens = try block(tokens, context: context, selfAttentionHook: selfAttentionHook?(index))
        }
        if let linear = projectionOut as? Linear { tokens = try linear(tokens) }
        var pixels = try tokens.transposed(1, 2).reshaped([b, c, h, w])
        if let conv = projectionOut as? Conv2d { pixels = try conv(pixels) }
        try pixels += x
        return pixels
    }
}

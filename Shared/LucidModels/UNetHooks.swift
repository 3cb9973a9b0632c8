/// What a caller can observe and change during one UNet forward pass: the decoder blocks' outputs
/// (the sampler's guidance features), the decoder self-attention keys/values (its memory bank),
/// and where the pass may stop.
import LucidTensor

/// The position of one decoder self-attention (`attn1`) in the UNet:
/// `up_blocks.{upBlock}.attentions.{attention}.transformer_blocks.{transformerBlock}.attn1`.
public struct DecoderSelfAttentionSite: Hashable, Sendable, CustomStringConvertible {
    public let upBlock: Int
    public let attention: Int
    public let transformerBlock: Int

    public init(upBlock: Int, attention: Int, transformerBlock: Int) {
        self.upBlock = upBlock
        self.attention = attention
        self.transformerBlock = transformerBlock
    }

    public var description: String {
        "up_blocks.\(upBlock).attentions.\(attention).transformer_blocks.\(transformerBlock).attn1"
    }
}

/// Hooks into one forward pass. The default observes nothing and runs to the end.
public struct UNetHooks {
    /// Called with the keys and values (`[B, L, C]`, after `to_k`/`to_v`) of every decoder
    /// self-attention; returns the keys and values it attends over — the same, or concatenated
    /// along the token axis (axis 1) with stored ones. Tape-recorded like any op.
    public var decoderSelfAttention: ((DecoderSelfAttentionSite, _ keys: Tensor, _ values: Tensor) throws
        -> (keys: Tensor, values: Tensor))?
    /// Called with each up block's output (`[B, C, H, W]`) as soon as it is computed.
    public var upBlockOutput: ((_ upBlock: Int, _ output: Tensor) throws -> Void)?
    /// Stops the pass after this up block (the sampler's feature pass needs only blocks 1 and 2);
    /// the result then has no `sample`.
    public var stopAfterUpBlock: Int?

    public init(
        decoderSelfAttention: ((DecoderSelfAttentionSite, Tensor, Tensor) throws -> (keys: Tensor, values: Tensor))? = nil,
        upBlockOutput: ((Int, Tensor) throws -> Void)? = nil,
        stopAfterUpBlock: Int? = nil
    ) {
        self.decoderSelfAttention = decoderSelfAttention
        self.upBlockOutput = upBlockOutput
        self.stopAfterUpBlock = stopAfterUpBlock
    }
}

/// The results of one forward pass.
public struct UNetOutput {
    /// The noise prediction `[B, out, H, W]`; nil when the pass stopped early.
    public var sample: Tensor?
    /// The hidden-state output of each down block and of the mid block, in order.
    public var downBlockOutputs: [Tensor]
    public var midBlockOutput: Tensor
    /// The output of each up block computed (all of them unless the pass stopped early).
    public var upBlockOutputs: [Tensor]
}

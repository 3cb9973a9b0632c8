/// The UNet's encoder, bottleneck and decoder blocks (diffusers `CrossAttnDownBlock2D`/`DownBlock2D`,
/// `UNetMidBlock2DCrossAttn`, `CrossAttnUpBlock2D`/`UpBlock2D`; Ronneberger et al. 2015 skip
/// connections). A plain block is the cross-attention block without `attentions`.
import LucidTensor

/// An encoder block: ResNets (each followed by a transformer in the cross-attention variant), then
/// an optional stride-2 downsampler. Every intermediate output is a skip connection for the decoder.
public final class UNetDownBlock: Module {
    @Child public var resnets: [ResnetBlock2D]
    /// One transformer per ResNet (`CrossAttnDownBlock2D`), or none (`DownBlock2D`).
    @Child public var attentions: [Transformer2DModel]
    @Child public var downsamplers: [Downsample2D]

    init(inputs: Int, outputs: Int, layers: Int, crossAttention: Bool, addDownsample: Bool,
         configuration c: UNet2DConditionConfiguration, heads: Int, depth: Int) {
        super.init()
        resnets = (0..<layers).map { i in
            ResnetBlock2D(inputs: i == 0 ? inputs : outputs, outputs: outputs,
                          timeEmbeddingChannels: 4 * c.blockOutChannels[0], groups: c.normNumGroups, eps: c.normEps)
        }
        attentions = crossAttention ? (0..<layers).map { _ in
            Transformer2DModel(channels: outputs, heads: heads, depth: depth, contextDim: c.crossAttentionDim,
                               groups: c.normNumGroups, useLinearProjection: c.useLinearProjection,
                               onlyCrossAttention: c.onlyCrossAttention)
        } : []
        downsamplers = addDownsample ? [Downsample2D(channels: outputs, padding: c.downsamplePadding)] : []
    }

    /// The block's output and its skip connections (one per ResNet, plus the downsampled output).
    func callAsFunction(_ x: Tensor, time: Tensor, context: Tensor) throws -> (output: Tensor, skips: [Tensor]) {
        var h = x
        var skips: [Tensor] = []
        for (i, resnet) in resnets.enumerated() {
            h = try resnet(h, activatedTimeEmbedding: time)
            if !attentions.isEmpty { h = try attentions[i](h, context: context) }
            skips.append(h)
        }
        for downsampler in downsamplers {
            h = try downsampler(h)
            skips.append(h)
        }
        return (h, skips)
    }
}

/// The bottleneck: `resnets.0`, then (transformer, ResNet) pairs.
public final class UNetMidBlock2DCrossAttn: Module {
    @Child public var attentions: [Transformer2DModel]
    @Child public var resnets: [ResnetBlock2D]

    init(channels: Int, configuration c: UNet2DConditionConfiguration, heads: Int, depth: Int) {
        super.init()
        attentions = [Transformer2DModel(channels: channels, heads: heads, depth: depth, contextDim: c.crossAttentionDim,
                                         groups: c.normNumGroups, useLinearProjection: c.useLinearProjection,
                                         onlyCrossAttention: c.onlyCrossAttention)]
        resnets = (0..<2).map { _ in
            ResnetBlock2D(inputs: channels, outputs: channels, timeEmbeddingChannels: 4 * c.blockOutChannels[0],
                          groups: c.normNumGroups, eps: c.normEps, outputScaleFactor: c.midBlockScaleFactor)
        }
    }

    func callAsFunction(_ x: Tensor, time: Tensor, context: Tensor) throws -> Tensor {
        var h = try resnets[0](x, activatedTimeEmbedding: time)
        for (attention, resnet) in zip(attentions, resnets.dropFirst()) {
            h = try attention(h, context: context)
            h = try resnet(h, activatedTimeEmbedding: time)
        }
        return h
    }
}

/// A decoder block: each ResNet takes the running features concatenated (channels) with the
/// matching skip connection, followed by a transformer in the cross-attention variant; then an
/// optional nearest-2× upsampler.
public final class UNetUpBlock: Module {
    @Child public var resnets: [ResnetBlock2D]
    /// One transformer per ResNet (`CrossAttnUpBlock2D`), or none (`UpBlock2D`).
    @Child public var attentions: [Transformer2DModel]
    @Child public var upsamplers: [Upsample2D]

    /// `inputs`: channels of the deepest skip consumed last; `previous`: channels coming from below.
    init(inputs: Int, outputs: Int, previous: Int, layers: Int, crossAttention: Bool, addUpsample: Bool,
         configuration c: UNet2DConditionConfiguration, heads: Int, depth: Int) {
        super.init()
        resnets = (0..<layers).map { i in
            let skip = i == layers - 1 ? inputs : outputs
            return ResnetBlock2D(inputs: (i == 0 ? previous : outputs) + skip, outputs: outputs,
                                 timeEmbeddingChannels: 4 * c.blockOutChannels[0], groups: c.normNumGroups, eps: c.normEps)
        }
        attentions = crossAttention ? (0..<layers).map { _ in
            Transformer2DModel(channels: outputs, heads: heads, depth: depth, contextDim: c.crossAttentionDim,
                               groups: c.normNumGroups, useLinearProjection: c.useLinearProjection,
                               onlyCrossAttention: c.onlyCrossAttention)
        } : []
        upsamplers = addUpsample ? [Upsample2D(channels: outputs)] : []
    }

    /// The block on `x` consuming `skips` (last first); `selfAttentionHook(attention, transformerBlock)`
    /// gives the keys/values hook of each `attn1`; `upsampleSize` is the next skip's size.
    func callAsFunction(_ x: Tensor, skips: [Tensor], time: Tensor, context: Tensor,
                        selfAttentionHook: ((Int, Int) -> KeyValueHook?)?,
                        upsampleSize: (height: Int, width: Int)?) throws -> Tensor {
        var h = x
        for (i, resnet) in resnets.enumerated() {
            h = try resnet(concat([h, skips[skips.count - 1 - i]], axis: 1), activatedTimeEmbedding: time)
            if !attentions.isEmpty {
                let hook = selfAttentionHook.map { factory in { (block: Int) in factory(i, block) } }
                h = try attentions[i](h, context: context, selfAttentionHook: hook)
            }
        }
        for upsampler in upsamplers {
            h = try upsampler(h, size: upsampleSize)
        }
        return h
    }
}

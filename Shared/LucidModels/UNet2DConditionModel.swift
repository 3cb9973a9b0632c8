/// `UNet2DConditionModel`: the text-conditioned noise-prediction UNet of Stable Diffusion 1.x
/// (Rombach et al. 2022), built from its diffusers `config.json` with parameters keyed like the
/// diffusers checkpoint, with hooks for the sampler (decoder features, decoder self-attention
/// keys/values, early stop). Differentiable with respect to the latent through `GradientTape`.
import Foundation
import LucidTensor

/// ε(z, t, c): `conv_in → down blocks → mid block → up blocks (with skips) → norm → SiLU → conv_out`.
public final class UNet2DConditionModel: Module {
    /// The configuration the tree was built from.
    public let configuration: UNet2DConditionConfiguration
    @Child(key: "conv_in") public var convIn: Conv2d
    @Child(key: "time_embedding") public var timeEmbedding: TimestepEmbedding
    @Child(key: "down_blocks") public var downBlocks: [UNetDownBlock]
    @Child(key: "mid_block") public var midBlock: UNetMidBlock2DCrossAttn
    @Child(key: "up_blocks") public var upBlocks: [UNetUpBlock]
    @Child(key: "conv_norm_out") public var convNormOut: GroupNorm
    @Child(key: "conv_out") public var convOut: Conv2d

    /// The model described by `configuration`, with placeholder weights: load a checkpoint with
    /// `load(from:)` or fill it with `randomizeParameters(seed:)`.
    /// - Throws: `ConfigurationError` for a configuration outside the SD-1.x family.
    public init(configuration: UNet2DConditionConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        super.init()
        let c = configuration
        let channels = c.blockOutChannels
        let blocks = channels.count
        convIn = Conv2d(c.inChannels, channels[0], kernel: c.convInKernel, padding: (c.convInKernel - 1) / 2)
        timeEmbedding = TimestepEmbedding(inputs: channels[0], width: 4 * channels[0])
        downBlocks = (0..<blocks).map { i in
            UNetDownBlock(inputs: i == 0 ? channels[0] : channels[i - 1], outputs: channels[i], layers: c.layersPerBlock,
                          crossAttention: c.downBlockTypes[i] == "CrossAttnDownBlock2D", addDownsample: i < blocks - 1,
                          configuration: c, heads: c.attentionHeads(forBlock: i), depth: c.transformerLayers(forBlock: i))
        }
        midBlock = UNetMidBlock2DCrossAttn(channels: channels[blocks - 1], configuration: c,
                                           heads: c.attentionHeads(forBlock: blocks - 1),
                                           depth: c.transformerLayers(forBlock: blocks - 1))
        upBlocks = (0..<blocks).map { i in
            let level = blocks - 1 - i  // the down block this up block mirrors
            return UNetUpBlock(inputs: channels[max(level - 1, 0)], outputs: channels[level],
                               previous: channels[min(level + 1, blocks - 1)], layers: c.layersPerBlock + 1,
                               crossAttention: c.upBlockTypes[i] == "CrossAttnUpBlock2D", addUpsample: i < blocks - 1,
                               configuration: c, heads: c.attentionHeads(forBlock: level),
                               depth: c.transformerLayers(forBlock: level))
        }
        convNormOut = GroupNorm(groups: c.normNumGroups, channels: channels[0], eps: c.normEps)
        convOut = Conv2d(channels[0], c.outChannels, kernel: c.convOutKernel, padding: (c.convOutKernel - 1) / 2)
    }

    /// The model described by `configuration` with the weights of `checkpoint`.
    /// - Throws: `ConfigurationError`, or `WeightLoadingError` when a tensor is missing, extra or
    ///   of a shape the configuration does not give.
    public convenience init(configuration: UNet2DConditionConfiguration, checkpoint: WeightSource) throws {
        try self.init(configuration: configuration)
        try load(from: checkpoint)
    }

    /// The noise prediction for `sample` (`[B, in, H, W]`) at `timestep` with text embeddings
    /// `encoderHiddenStates` (`[B, L, cross_attention_dim]`).
    public func callAsFunction(_ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor) throws -> Tensor {
        let output = try forward(sample, timestep: timestep, encoderHiddenStates: encoderHiddenStates)
        guard let noise = output.sample else {
            throw TensorError.invalidArgument("UNet: the pass stopped before its output")
        }
        return noise
    }

    /// The time input of the ResNets, SiLU(`time_embedding(time_proj(t))`) for each batch row.
    public func activatedTimeEmbedding(_ timesteps: [Float]) throws -> Tensor {
        try silu(timeEmbedding(timeFeatures(timesteps)))
    }

    /// `time_proj(t)`: the sinusoidal features of each timestep, `[N, block_out_channels[0]]`.
    public func timeFeatures(_ timesteps: [Float]) -> Tensor {
        sinusoidalTimestepFeatures(timesteps, width: configuration.blockOutChannels[0],
                                   flipSinToCos: configuration.flipSinToCos,
                                   frequencyShift: Float(configuration.freqShift))
    }

    /// One pass with every block's output and the caller's `hooks`.
    /// - Parameter timestep: the same timestep for every batch row.
    public func forward(_ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor,
                        hooks: UNetHooks = UNetHooks()) throws -> UNetOutput {
        try forward(sample, timesteps: Array(repeating: timestep, count: sample.rank == 4 ? sample.shape[0] : 1),
                    encoderHiddenStates: encoderHiddenStates, hooks: hooks)
    }

    /// One pass with a timestep per batch row.
    /// - Throws: `TensorError` naming the shapes when the inputs do not fit the configuration.
    public func forward(_ sample: Tensor, timesteps: [Float], encoderHiddenStates context: Tensor,
                        hooks: UNetHooks = UNetHooks()) throws -> UNetOutput {
        try checkInputs(sample, timesteps: timesteps, context: context)
        // Rows that hold one latent at one timestep (classifier-free guidance: [z, z] with two prompts)
        // agree until the first attention reads the prompt, so the layers before it run on one row
        // (not under a tape, where each row's gradient is its own).
        let rows = sample.shape[0]
        var runsOneRow = rows > 1 && !sample.isRecorded && timesteps.allSatisfy { $0 == timesteps[0] } && sample.rowsAreIdentical
        var time = try activatedTimeEmbedding(runsOneRow ? [timesteps[0]] : timesteps)
        var h = try convIn(runsOneRow ? sample.narrowed(axis: 0, start: 0, length: 1) : sample)
        var skips = [h]
        var downOutputs: [Tensor] = []
        func repeatRows() throws {
            func repeated(_ t: Tensor) throws -> Tensor { try t.broadcast(to: [rows] + t.shape.dropFirst()) }
            (h, time) = (try repeated(h), try repeated(time))
            skips = try skips.map(repeated)
            downOutputs = try downOutputs.map(repeated)
            runsOneRow = false
        }
        for block in downBlocks {
            if runsOneRow && !block.attentions.isEmpty { try repeatRows() }
            let result = try block(h, time: time, context: context)
            h = result.output
            skips += result.skips
            downOutputs.append(h)
        }
        if runsOneRow { try repeatRows() }
        h = try midBlock(h, time: time, context: context)
        let midOutput = h
        var upOutputs: [Tensor] = []
        for (index, block) in upBlocks.enumerated() {
            let count = block.resnets.count
            let blockSkips = Array(skips.suffix(count))
            skips.removeLast(count)
            let upsampleSize = skips.last.map { (height: $0.shape[2], width: $0.shape[3]) }
            let hook = hooks.decoderSelfAttention.map { observe in
                { (attention: Int, transformerBlock: Int) -> KeyValueHook? in
                    let site = DecoderSelfAttentionSite(upBlock: index, attention: attention,
                                                        transformerBlock: transformerBlock)
                    return { keys, values in try observe(site, keys, values) }
                }
            }
            h = try block(h, skips: blockSkips, time: time, context: context, selfAttentionHook: hook,
                          upsampleSize: block.upsamplers.isEmpty ? nil : upsampleSize)
            upOutputs.append(h)
            try hooks.upBlockOutput?(index, h)
            if let stop = hooks.stopAfterUpBlock, index >= stop {
                return UNetOutput(sample: nil, downBlockOutputs: downOutputs, midBlockOutput: midOutput,
                                  upBlockOutputs: upOutputs)
            }
        }
        let noise = try convOut(convNormOut(h, activation: .silu))
        return UNetOutput(sample: noise, downBlockOutputs: downOutputs, midBlockOutput: midOutput,
                          upBlockOutputs: upOutputs)
    }

    /// The outputs of up blocks `blocks` (e.g. `[1, 2]`, the sampler's guidance features) from a
    /// pass that stops after the last of them.
    public func upBlockFeatures(_ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor,
                                blocks: [Int]) throws -> [Tensor] {
        guard let last = blocks.max(), blocks.allSatisfy({ (0..<upBlocks.count).contains($0) }) else {
            throw TensorError.invalidArgument("UNet: up blocks \(blocks) outside 0..<\(upBlocks.count)")
        }
        let output = try forward(sample, timestep: timestep, encoderHiddenStates: encoderHiddenStates,
                                 hooks: UNetHooks(stopAfterUpBlock: last))
        return blocks.map { output.upBlockOutputs[$0] }
    }

    /// Rejects inputs whose shapes the configuration cannot take, before any computation.
    private func checkInputs(_ sample: Tensor, timesteps: [Float], context: Tensor) throws {
        let c = configuration
        guard sample.rank == 4, sample.shape[1] == c.inChannels, sample.shape[2] > 0, sample.shape[3] > 0 else {
            throw TensorError.shapeMismatch("UNet: sample \(sample.shape) is not [B, \(c.inChannels), H, W]")
        }
        guard timesteps.count == sample.shape[0] else {
            throw TensorError.shapeMismatch("UNet: \(timesteps.count) timesteps for batch \(sample.shape[0])")
        }
        guard context.rank == 3, context.shape[0] == sample.shape[0], context.shape[1] > 0,
              context.shape[2] == c.crossAttentionDim else {
            throw TensorError.shapeMismatch(
                "UNet: encoder hidden states \(context.shape) are not [\(sample.shape[0]), L > 0, \(c.crossAttentionDim)]")
        }
    }
}

private extension Tensor {
    /// Whether every row (index of the first axis) holds the same values as the first, bit for bit.
    var rowsAreIdentical: Bool {
        let rowLength = count / shape[0]
        return withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            return (1..<shape[0]).allSatisfy { memcmp(base, base + $0 * rowLength, rowLength * MemoryLayout<Float>.stride) == 0 }
        }
    }
}

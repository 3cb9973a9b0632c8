/// `CLIPTextModel`: the text encoder of Stable Diffusion (CLIP's text transformer, Radford et al.
/// 2021), keyed like transformers' `CLIPTextModel`: token + position embeddings, pre-norm causal
/// self-attention layers with a quick-GELU MLP, and a final LayerNorm. Its `last_hidden_state`
/// is the UNet's cross-attention context.
import Foundation
import LucidTensor

/// CLIP's text encoder.
public final class CLIPTextModel: Module {
    @Child(key: "text_model") public var textModel: CLIPTextTransformer
    public let configuration: CLIPTextConfiguration

    /// A model of `configuration`'s shape (weights zero until loaded or randomised).
    public init(configuration: CLIPTextConfiguration = .init()) throws {
        try configuration.validate()
        self.configuration = configuration
        super.init()
        textModel = CLIPTextTransformer(configuration)
    }

    /// The text encoder of a diffusers folder (`text_encoder/`), loaded from its weights.
    public convenience init(folder: DiffusersFolder) throws {
        try self.init(configuration: folder.textEncoderConfiguration())
        try loadWeights(from: folder.weights(for: "text_encoder"))
    }

    /// Loads a checkpoint keyed `text_model.…` (transformers 4) or without that prefix (as
    /// transformers 5 saves a `CLIPTextModel`); the `position_ids` buffer is skipped.
    public func loadWeights(from weights: WeightSource) throws {
        if weights.tensorNames.contains(where: { $0.hasPrefix("text_model.") }) {
            try load(from: weights, ignoring: ["text_model.embeddings.position_ids"])
        } else {
            try textModel.load(from: weights, ignoring: ["embeddings.position_ids"])
        }
    }

    /// `last_hidden_state` [batch, length, hidden] for token id sequences of one common length
    /// (at most `max_position_embeddings`).
    public func callAsFunction(_ ids: [[Int]]) throws -> Tensor {
        try textModel(ids)
    }
}

/// The transformer under `text_model`.
public final class CLIPTextTransformer: Module {
    @Child public var embeddings: CLIPTextEmbeddings
    @Child public var encoder: CLIPEncoder
    @Child(key: "final_layer_norm") public var finalLayerNorm: LayerNorm

    init(_ c: CLIPTextConfiguration) {
        super.init()
        embeddings = CLIPTextEmbeddings(c)
        encoder = CLIPEncoder(c)
        finalLayerNorm = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
    }

    func callAsFunction(_ ids: [[Int]]) throws -> Tensor {
        try finalLayerNorm(encoder(embeddings(ids)))
    }
}

/// Token embeddings plus learned absolute position embeddings.
public final class CLIPTextEmbeddings: Module {
    @Child(key: "token_embedding") public var tokenEmbedding: Embedding
    @Child(key: "position_embedding") public var positionEmbedding: Embedding
    private let maxPositions: Int

    init(_ c: CLIPTextConfiguration) {
        maxPositions = c.maxPositionEmbeddings
        super.init()
        tokenEmbedding = Embedding(c.vocabSize, c.hiddenSize)
        positionEmbedding = Embedding(c.maxPositionEmbeddings, c.hiddenSize)
    }

    /// [batch, length, hidden].
    func callAsFunction(_ ids: [[Int]]) throws -> Tensor {
        guard let length = ids.first?.count, length > 0, length <= maxPositions, ids.allSatisfy({ $0.count == length }) else {
            throw TensorError.invalidArgument(
                "text encoder: token sequences must share one length in 1...\(maxPositions), got \(ids.map(\.count))")
        }
        let tokens = try tokenEmbedding(ids.flatMap { $0 })
        let width = tokens.shape[1]
        let positions = try positionEmbedding(Array(0..<length))
        return try tokens.reshaped([ids.count, length, width]) + positions
    }
}

/// The stack of transformer layers.
public final class CLIPEncoder: Module {
    @Child public var layers: [CLIPEncoderLayer]

    init(_ c: CLIPTextConfiguration) {
        super.init()
        layers = (0..<c.numHiddenLayers).map { _ in CLIPEncoderLayer(c) }
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try layers.reduce(x) { h, layer in try layer(h) }
    }
}

/// One pre-norm layer: x + attn(norm₁(x)), then x + mlp(norm₂(x)).
public final class CLIPEncoderLayer: Module {
    @Child(key: "self_attn") public var selfAttention: CLIPAttention
    @Child(key: "layer_norm1") public var layerNorm1: LayerNorm
    @Child public var mlp: CLIPMLP
    @Child(key: "layer_norm2") public var layerNorm2: LayerNorm

    init(_ c: CLIPTextConfiguration) {
        super.init()
        selfAttention = CLIPAttention(c)
        layerNorm1 = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        mlp = CLIPMLP(c)
        layerNorm2 = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let h = try x + selfAttention(layerNorm1(x))
        return try h + mlp(layerNorm2(h))
    }
}

/// Multi-head causal self-attention (each token attends to itself and earlier tokens).
public final class CLIPAttention: Module {
    @Child(key: "q_proj") public var query: Linear
    @Child(key: "k_proj") public var key: Linear
    @Child(key: "v_proj") public var value: Linear
    @Child(key: "out_proj") public var output: Linear
    private let heads: Int

    init(_ c: CLIPTextConfiguration) {
        heads = c.numAttentionHeads
        super.init()
        query = Linear(c.hiddenSize, c.hiddenSize)
        key = Linear(c.hiddenSize, c.hiddenSize)
        value = Linear(c.hiddenSize, c.hiddenSize)
        output = Linear(c.hiddenSize, c.hiddenSize)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let attended = try scaledDotProductAttention(query: query(x), key: key(x), value: value(x), heads: heads, causal: true)
        return try output(attended)
    }
}

/// fc1 → quick-GELU (or GELU) → fc2.
public final class CLIPMLP: Module {
    @Child public var fc1: Linear
    @Child public var fc2: Linear
    private let exactGELU: Bool

    init(_ c: CLIPTextConfiguration) {
        exactGELU = c.hiddenAct == "gelu"
        super.init()
        fc1 = Linear(c.hiddenSize, c.intermediateSize)
        fc2 = Linear(c.intermediateSize, c.hiddenSize)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        let hidden = try fc1(x)
        return try fc2(exactGELU ? gelu(hidden) : quickGELU(hidden))
    }
}

/// `CLIPTextConfiguration`: the `text_encoder/config.json` (transformers `CLIPTextConfig`), with the
/// values of Stable Diffusion 1.5's text encoder (CLIP ViT-L/14) as defaults.

/// The fields of transformers' `CLIPTextConfig` that the text encoder uses.
public struct CLIPTextConfiguration: Codable, Equatable, Sendable {
    /// Token embedding rows.
    public var vocabSize: Int = 49408
    /// Width of the residual stream and of the output embeddings.
    public var hiddenSize: Int = 768
    /// Width of the MLP's hidden layer.
    public var intermediateSize: Int = 3072
    /// Transformer layers.
    public var numHiddenLayers: Int = 12
    /// Attention heads per layer.
    public var numAttentionHeads: Int = 12
    /// Position embedding rows: the longest token sequence (77).
    public var maxPositionEmbeddings: Int = 77
    /// MLP activation: "quick_gelu" (SD-1.x) or "gelu" (SD-2.x's OpenCLIP).
    public var hiddenAct: String = "quick_gelu"
    /// LayerNorm epsilon.
    public var layerNormEps: Float = 1e-5

    /// Stable Diffusion 1.5's text encoder configuration.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings", hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
    }

    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try c.update(&vocabSize, .vocabSize)
        try c.update(&hiddenSize, .hiddenSize)
        try c.update(&intermediateSize, .intermediateSize)
        try c.update(&numHiddenLayers, .numHiddenLayers)
        try c.update(&numAttentionHeads, .numAttentionHeads)
        try c.update(&maxPositionEmbeddings, .maxPositionEmbeddings)
        try c.update(&hiddenAct, .hiddenAct)
        try c.update(&layerNormEps, .layerNormEps)
    }

    /// Checks that the configuration describes a text encoder this engine builds.
    public func validate() throws {
        func fail(_ field: String, _ detail: String) -> ConfigurationError {
            .unsupported(component: "text_encoder", field: field, detail: detail)
        }
        guard ["quick_gelu", "gelu"].contains(hiddenAct) else { throw fail("hidden_act", "\(hiddenAct) (quick_gelu or gelu)") }
        guard numAttentionHeads > 0, hiddenSize % numAttentionHeads == 0 else {
            throw fail("num_attention_heads", "\(hiddenSize) is not divisible into \(numAttentionHeads) heads")
        }
        guard vocabSize > 0, maxPositionEmbeddings > 0, numHiddenLayers > 0, intermediateSize > 0 else {
            throw fail("vocab_size", "sizes must be positive")
        }
    }
}

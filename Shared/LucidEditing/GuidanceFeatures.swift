/// The features the editing energies compare (method.md §2, step 2): the outputs of chosen decoder
/// blocks from a plain UNet pass (no memory bank) with the inversion prompt, resized to feature
/// resolution. Differentiable with respect to the latent when it is watched by a tape.
import LucidModels
import LucidTensor

/// Extracts decoder-block features of a latent.
public struct GuidanceFeatures {
    public let unet: UNet2DConditionModel
    /// The up blocks whose outputs are used (e.g. `[1, 2]`).
    public let blocks: [Int]
    /// Feature resolution.
    public let height: Int, width: Int
    /// The inversion prompt's embedding `[1, L, D]`.
    public let context: Tensor

    public init(unet: UNet2DConditionModel, blocks: [Int], height: Int, width: Int, context: Tensor) throws {
        guard blocks.allSatisfy({ (0..<unet.upBlocks.count).contains($0) }) else {
            throw EditingError.unsupported(
                "feature_blocks \(blocks): this UNet has decoder blocks 0..<\(unet.upBlocks.count)")
        }
        self.unet = unet
        self.blocks = blocks
        self.height = height
        self.width = width
        self.context = context
    }

    /// `[1, C_l, height, width]` for each block, from a pass that stops after the last block needed.
    public func callAsFunction(_ z: Tensor, timestep: Int) throws -> [Tensor] {
        try unet.upBlockFeatures(z, timestep: Float(timestep), encoderHiddenStates: context, blocks: blocks).map { feature in
            feature.shape[2] == height && feature.shape[3] == width
                ? feature : try resize(feature, height: height, width: width, mode: .bilinear)
        }
    }
}

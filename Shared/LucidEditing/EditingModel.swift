/// The parts of a Stable-Diffusion-1.x diffusers folder that a drag edit uses, loaded once and
/// shared by every edit of a sampler: tokenizer, CLIP text encoder, UNet, VAE and DDIM settings.
import Foundation
import LucidModels
import LucidTensor

/// A loaded diffusers folder, ready to edit with.
///
/// Sendable because its modules are only read once loaded: a pass takes its per-call state (hooks,
/// gradient tape) as arguments, never in the modules.
public final class EditingModel: @unchecked Sendable {
    public let folder: DiffusersFolder
    public let tokenizer: CLIPTokenizer
    public let textEncoder: CLIPTextModel
    public let unet: UNet2DConditionModel
    public let vae: AutoencoderKL
    public let schedulerConfiguration: DDIMSchedulerConfiguration
    /// Names the weights, e.g. "demo-world@…"; keys the inversion cache.
    public let identity: String

    /// Loads every component of the folder at `url`.
    /// - Throws: the loader's error, which names the file that is missing or damaged.
    public init(folder url: URL, identity: String? = nil) throws {
        folder = try DiffusersFolder(url: url)
        tokenizer = try CLIPTokenizer(folder: folder.folder(of: "tokenizer"))
        textEncoder = try CLIPTextModel(folder: folder)
        unet = try UNet2DConditionModel(configuration: folder.unetConfiguration(), checkpoint: folder.weights(for: "unet"))
        vae = try AutoencoderKL(configuration: folder.vaeConfiguration(), checkpoint: folder.weights(for: "vae"))
        schedulerConfiguration = try folder.schedulerConfiguration()
        self.identity = identity ?? url.standardizedFileURL.lastPathComponent
    }

    /// The VAE's downsampling factor f (8 for SD-1.x, 4 for the demo model).
    public var latentFactor: Int { 1 << (vae.configuration.blockOutChannels.count - 1) }

    /// Working image sides must be multiples of this: f times the UNet's own downsampling.
    public var sideMultiple: Int { latentFactor << (unet.configuration.blockOutChannels.count - 1) }

    /// The image side the model was trained at (512 for SD-1.x, 128 for the demo model).
    public var nativeSide: Int { unet.configuration.sampleSize * latentFactor }

    /// The VAE's latent scaling factor.
    public var scalingFactor: Float { vae.configuration.scalingFactor }

    /// CLIP text embeddings `[n, L, D]` of `prompts`.
    public func encode(prompts: [String]) throws -> Tensor {
        try textEncoder(prompts.map { tokenizer.encode($0) })
    }
}

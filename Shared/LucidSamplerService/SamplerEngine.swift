/// What a sampler process edits with: the model (loaded once, named by its ModelIdentity), the
/// inversion cache, and where quality guidance comes from.
import Foundation
import LucidEditing
import LucidModels

/// Where the discriminator's scores come from.
public enum QualitySource: Sendable {
    /// The Discriminator service, through the bus.
    case bus
    /// A discriminator loaded in this process from the model folder's `discriminator/`.
    case local
    /// No quality guidance and no final score.
    case none
}

/// The sampler's loaded state, shared by its Edit calls.
public final class SamplerEngine: Sendable {
    public let editor: DragEditor
    public let quality: QualitySource
    let localGuide: LocalQualityGuide?

    /// Loads the model at `modelFolder` (and its discriminator for `.local` quality).
    /// - Parameter cacheBytes: the inversion cache's bound.
    /// - Throws: the loader's error, naming the file that is missing or damaged.
    public init(modelFolder: URL, quality: QualitySource = .bus, cacheBytes: Int = 2 << 30) throws {
        self.quality = quality
        let identity = try ModelIdentity(folder: modelFolder).description
        editor = DragEditor(model: try EditingModel(folder: modelFolder, identity: identity),
                            cache: InversionCache(byteLimit: cacheBytes))
        localGuide = quality == .local
            ? LocalQualityGuide(discriminator: try LatentDiscriminator(folder: modelFolder.appendingPathComponent("discriminator")))
            : nil
    }

    /// The model's identity (see ModelIdentity).
    public var identity: String { editor.model.identity }
}

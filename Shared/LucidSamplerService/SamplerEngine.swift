/// What a sampler process edits with: the model (loaded once; a model that fails to load makes
/// every Edit answer FAILED_PRECONDITION with the reason, and the process keeps serving), the
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
public final class SamplerEngine: @unchecked Sendable {
    /// The editor, or why the model could not be loaded.
    public let editor: Result<DragEditor, Error>
    /// The model folder served.
    public let modelFolder: URL
    public let quality: QualitySource
    let localGuide: LocalQualityGuide?

    /// Loads the model at `modelFolder` (see ``editor`` for failures).
    /// - Parameter cacheBytes: the inversion cache's bound.
    public init(modelFolder: URL, identity: String? = nil, quality: QualitySource = .bus, cacheBytes: Int = 2 << 30) {
        self.modelFolder = modelFolder
        self.quality = quality
        editor = Result {
            DragEditor(model: try EditingModel(folder: modelFolder, identity: identity),
                       cache: InversionCache(byteLimit: cacheBytes))
        }
        localGuide = quality == .local
            ? (try? LatentDiscriminator(folder: modelFolder.appendingPathComponent("discriminator"))).map(LocalQualityGuide.init)
            : nil
    }

    /// The model's identity, or nil when it did not load.
    public var identity: String? { try? editor.get().model.identity }
}

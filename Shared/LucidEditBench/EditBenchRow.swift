/// The rows of the edit benchmark: two baselines without diffusion, then the method with its
/// components added one by one (method.md §2), then the full method with other intentions.
import LucidEditing

/// One way of answering a drag task.
public enum EditBenchRow: String, CaseIterable, Sendable, Codable {
    /// No edit: the input itself.
    case identity
    /// The masked region warped by the transform the drags fit (`CopyPasteWarp`), no diffusion.
    case copyPaste = "copy-paste"
    /// Editing guidance only: no memory bank, no regional SDE, no semantic or quality guidance.
    case editOnly = "edit-only"
    /// … plus the memory bank and the regional SDE.
    case memory = "+memory-sde"
    /// … plus semantic guidance.
    case semantic = "+semantic"
    /// … plus quality guidance: the full method with the reasoner's intentions.
    case full
    /// The full method with the caption as both prompts (no reasoner).
    case caption = "full-caption"
    /// The full method with the ground-truth intention: the caption, then the caption after the edit.
    case truth = "full-truth"

    /// Whether the row runs the diffusion edit.
    public var isDiffusion: Bool { self != .identity && self != .copyPaste }

    /// The method's options for this row: `base` with the components the row leaves out switched off.
    public func options(_ base: EditingOptions) -> EditingOptions {
        var options = base
        switch self {
        case .editOnly:
            options.memoryBankFrom = options.steps
            options.sdeEta = 0
            options.semanticWeight = 0
            options.qualityWeight = 0
        case .memory:
            options.semanticWeight = 0
            options.qualityWeight = 0
        case .semantic:
            options.qualityWeight = 0
        case .identity, .copyPaste, .full, .caption, .truth:
            break
        }
        return options
    }
}

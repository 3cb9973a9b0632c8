/// What the edit benchmark measured, task by task and row by row; the JSON report is these values.
import LucidEditing

/// A result's stage times: encode and invert are paid once per task, by its first edit.
extension StageTimes {
    /// Sampling and decoding: what each further intention of the same image costs.
    public var perIntention: Double { sample + decode }
}

/// One result of a row on a task.
public struct EditResultRecord: Codable, Sendable {
    /// The intention's kind (`identity`, `copy-paste` or a reasoner kind, `caption`, `truth`).
    public var intention: String
    public var sourcePrompt: String?
    public var targetPrompt: String?
    /// PSNR (dB) inside the mask against the intended ground truth.
    public var psnrInside: Double
    /// PSNR (dB) outside the mask against the input (∞ when untouched).
    public var psnrOutside: Double
    /// The DIFT-style point distance with the demo model's own features, pixels.
    public var featureMD: Double
    /// The LPIPS-like distance to the intended ground truth (`PerceptualDistance`; 0 = the same).
    public var perceptual: Double
    /// The discriminator's logit on the clean result (encoded, t = 0): higher is more like a clean image.
    public var discriminatorLogit: Double
    /// The checker's scores; nil when the Python scorer is not available.
    public var truth: GroundTruthScore?
    /// Stage times of the edit (zero for the rows without diffusion).
    public var times: StageTimes
    /// GEMM-equivalent floating-point operations of the edit.
    public var flops: Double
    /// Where the picture was written.
    public var image: String
}

/// One row on one task: its results, best intention first.
public struct EditRowRecord: Codable, Sendable {
    public var row: EditBenchRow
    public var results: [EditResultRecord]
    /// Mean pairwise RMS difference (0–255) between the results inside the mask (nil with one result).
    public var diversity: Double?
    /// Share of the task's acceptable kinds that some result matches best with IoU ≥ 0.5 (nil without
    /// the scorer or with one result).
    public var coverage: Double?
    /// Share of the task's acceptable kinds among the row's intentions (nil with one result).
    public var intentionCoverage: Double?
}

/// Every row on one task.
public struct EditTaskRecord: Codable, Sendable {
    public var id: String
    public var intendedKind: String
    public var acceptableKinds: [String]
    public var pairs: Int
    /// The mean drag length, pixels.
    public var dragLength: Double
    public var rows: [EditRowRecord]
}

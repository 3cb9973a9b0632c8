/// `NAME=VALUE` settings of the method's options for tuning runs, named as `SamplingOptions`' fields
/// (`sampler.proto`), e.g. `semantic_weight=0.2`.
import LucidEditing

/// One option set by name.
public struct OptionOverride: Sendable, Codable, Equatable, CustomStringConvertible {
    public let name: String
    public let value: Double

    /// The options a tuning run may set, and where they live.
    static let settable: [String: WritableKeyPath<EditingOptions, Float> & Sendable] = [
        "guidance_scale": \.guidanceScale, "edit_weight": \.editWeight, "content_weight": \.contentWeight,
        "inpaint_weight": \.inpaintWeight, "energy_scale": \.energyScale, "step_factor": \.stepFactor,
        "semantic_weight": \.semanticWeight, "quality_weight": \.qualityWeight, "sde_eta": \.sdeEta,
        "inversion_strength": \.inversionStrength,
    ]
    static let settableSteps: [String: WritableKeyPath<EditingOptions, Int> & Sendable] = [
        "guidance_steps": \.guidanceSteps, "dense_guidance_steps": \.denseGuidanceSteps, "semantic_steps": \.semanticSteps,
        "memory_bank_from": \.memoryBankFrom, "blend_outside_from": \.blendOutsideFrom,
        "outside_feather": \.outsideFeather,
    ]
    /// Switches: 0 is off, anything else on.
    static let settableFlags: [String: WritableKeyPath<EditingOptions, Bool> & Sendable] = [
        "keep_outside": \.keepOutside, "warp_start": \.warpStart, "warp_pixels": \.warpPixels,
    ]

    /// Parses `NAME=VALUE`; throws naming the settable options when the name is unknown.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
            throw EditBenchError.invalid("--set takes NAME=NUMBER, got \(text)")
        }
        guard Self.settable[parts[0]] != nil || Self.settableSteps[parts[0]] != nil || Self.settableFlags[parts[0]] != nil else {
            let names = (Array(Self.settable.keys) + Array(Self.settableSteps.keys) + Array(Self.settableFlags.keys))
                .sorted().joined(separator: ", ")
            throw EditBenchError.invalid("--set: unknown option \(parts[0]) (settable: \(names))")
        }
        name = parts[0]
        self.value = value
    }

    /// `options` with this one set.
    public func applied(to options: EditingOptions) -> EditingOptions {
        var options = options
        if let path = Self.settable[name] { options[keyPath: path] = Float(value) }
        if let path = Self.settableSteps[name] { options[keyPath: path] = Int(value) }
        if let path = Self.settableFlags[name] { options[keyPath: path] = value != 0 }
        return options
    }

    public var description: String { "\(name)=\(value)" }
}

/// The contract's SamplingOptions as the method's EditingOptions: an unset field keeps the default,
/// a set one (0 included) is used as given.
import LucidEditing
import LucidProto

extension EditingOptions {
    /// The defaults overridden by every field `message` sets.
    public init(_ message: Lucid_V1_SamplingOptions) {
        self.init()
        let m = message
        if m.hasSteps { steps = Int(m.steps) }
        if m.hasGuidanceScale { guidanceScale = m.guidanceScale }
        if m.hasSeed { seed = m.seed }
        if m.hasEditWeight { editWeight = m.editWeight }
        if m.hasContentWeight { contentWeight = m.contentWeight }
        if m.hasInpaintWeight { inpaintWeight = m.inpaintWeight }
        if m.hasEnergyScale { energyScale = m.energyScale }
        if m.hasStepFactor { stepFactor = m.stepFactor }
        if m.hasSemanticWeight { semanticWeight = m.semanticWeight }
        if m.hasQualityWeight { qualityWeight = m.qualityWeight }
        if m.hasGuidanceSteps { guidanceSteps = Int(m.guidanceSteps) }
        if m.hasSemanticSteps { semanticSteps = Int(m.semanticSteps) }
        if m.hasDenseGuidanceSteps { denseGuidanceSteps = Int(m.denseGuidanceSteps) }
        if m.hasMemoryBankFrom { memoryBankFrom = Int(m.memoryBankFrom) }
        if m.hasSdeEta { sdeEta = m.sdeEta }
        if m.hasSdeFrom || m.hasSdeTo {
            let from = m.hasSdeFrom ? Int(m.sdeFrom) : sdeSteps.lowerBound
            let to = m.hasSdeTo ? Int(m.sdeTo) : sdeSteps.upperBound
            sdeSteps = from...max(from, to)
        }
        if m.hasTimeTravel { timeTravel = m.timeTravel }
        if !m.timeTravelSteps.isEmpty { timeTravelSteps = m.timeTravelSteps.map(Int.init) }
        if m.hasTimeTravelRepeats { timeTravelRepeats = Int(m.timeTravelRepeats) }
        if m.hasWindow { window = Int(m.window) }
        if !m.featureBlocks.isEmpty { featureBlocks = m.featureBlocks.map(Int.init) }
        if m.hasFeatureStride { featureStride = Int(m.featureStride) }
        if m.hasInversionPrompt { inversionPrompt = m.inversionPrompt }
        if m.hasPreviewEvery { previewEvery = Int(m.previewEvery) }
        if m.hasWorkingSide { workingSide = Int(m.workingSide) }
        if m.hasBlendOutsideFrom { blendOutsideFrom = Int(m.blendOutsideFrom) }
        if m.hasKeepOutside { keepOutside = m.keepOutside }
        if m.hasOutsideFeather { outsideFeather = Int(m.outsideFeather) }
        if m.hasWarpStart { warpStart = m.warpStart }
        if m.hasInversionStrength { inversionStrength = m.inversionStrength }
    }
}

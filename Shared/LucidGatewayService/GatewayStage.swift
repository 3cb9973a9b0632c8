/// GatewayStage: the `stage` names of Gateway.Edit's progress messages (gateway.proto, GatewayProgress).
import LucidProto

/// What a lucid.v1.GatewayProgress reports; the raw value is its `stage` field.
public enum GatewayStage: String, Sendable, CaseIterable {
    /// The reasoner was asked what the drag means.
    case reason
    /// The intentions are known: `intentions` holds them, best first, with the reasoner's `fell_back`.
    case intentions
    /// Sampler progress of intention `intention_index`: its stage in `message`, `step` of `total_steps`.
    case edit
    /// Intention `intention_index` is finished or failed: `edit` holds it.
    case edited
}

extension Lucid_V1_GatewayProgress {
    /// The stage this progress reports, or nil for a stage this version does not know.
    public var gatewayStage: GatewayStage? { GatewayStage(rawValue: stage) }
}

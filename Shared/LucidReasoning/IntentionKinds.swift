/// IntentionKinds: the seven drag intentions, their wire names (as in task files and LLM answers).
import LucidProto

extension Lucid_V1_IntentionKind {
    /// The kinds a reasoner may answer, in the contract's order.
    public static let reasoned: [Lucid_V1_IntentionKind] = [
        .move, .enlarge, .shrink, .stretchHorizontal, .stretchVertical, .rotate, .deform,
    ]

    /// The lower-case wire name: "move", "enlarge", "shrink", "stretch_horizontal", "stretch_vertical",
    /// "rotate", "deform" ("unspecified" otherwise).
    public var wireName: String {
        switch self {
        case .move: return "move"
        case .enlarge: return "enlarge"
        case .shrink: return "shrink"
        case .stretchHorizontal: return "stretch_horizontal"
        case .stretchVertical: return "stretch_vertical"
        case .rotate: return "rotate"
        case .deform: return "deform"
        default: return "unspecified"
        }
    }

    /// The kind with this wire name (also accepts "stretch-h"/"stretch-v" spellings), or nil.
    public init?(wireName: String) {
        let name = wireName.lowercased().replacingOccurrences(of: "-", with: "_")
        switch name {
        case "stretch_h": self = .stretchHorizontal
        case "stretch_v": self = .stretchVertical
        default:
            guard let kind = Lucid_V1_IntentionKind.reasoned.first(where: { $0.wireName == name }) else { return nil }
            self = kind
        }
    }
}

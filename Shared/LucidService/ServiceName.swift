// The Majordomo service names of the LucidDrag services, as the .proto contract documents them.

/// The services that make up LucidDrag, one per executable; the raw value is the Majordomo name.
public enum ServiceName: String, Sendable, CaseIterable, CustomStringConvertible {
    case gateway = "lucid.v1.Gateway"
    case reasoner = "lucid.v1.Reasoner"
    case sampler = "lucid.v1.Sampler"
    case discriminator = "lucid.v1.Discriminator"

    /// The short name used for executables and worker ids: "gateway", "reasoner", ….
    public var shortName: String {
        switch self {
        case .gateway: return "gateway"
        case .reasoner: return "reasoner"
        case .sampler: return "sampler"
        case .discriminator: return "discriminator"
        }
    }

    public var description: String { rawValue }

    /// Accepts the Majordomo name ("lucid.v1.Sampler") or the short name ("sampler").
    public init?(parsing text: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue == text || $0.shortName == text }) else {
            return nil
        }
        self = match
    }
}

/// GatewaySettings: how long the gateway lets the services it calls take, and how many edits one
/// request may ask for.

/// The gateway's limits on one Gateway.Edit.
public struct GatewaySettings: Sendable, Equatable {
    /// The longest the reasoner may take; a request deadline that comes sooner shortens it.
    public var reasonTimeout: Duration
    /// How long each sampler edit may take when the request carries no deadline of its own.
    public var editTimeout: Duration

    /// Intentions edited when the request's `num_intentions` is 0.
    public static let defaultIntentions = 3
    /// The most intentions one request may ask for (`num_intentions`) or give (`intentions`).
    public static let maxIntentions = 8
    /// The most DDIM steps one edit may ask for (`options.steps`; 0 = the sampler's default), as the
    /// samplers allow.
    public static let maxSteps = 1000

    public init(reasonTimeout: Duration = .seconds(60), editTimeout: Duration = .seconds(3600)) {
        self.reasonTimeout = reasonTimeout
        self.editTimeout = editTimeout
    }
}

// SIGTERM and SIGINT, the signals that ask a LucidDrag process or command to stop, delivered to async
// code through swift-service-lifecycle's UnixSignals (dispatch sources), never through a C handler.
import UnixSignals

/// SIGTERM and SIGINT, trapped: from the moment a value exists they no longer kill the process, and
/// the first one that arrives waits for `first()`. Make it before starting anything a signal should stop.
public struct ShutdownSignals: Sendable {
    private let signals: UnixSignalsSequence

    public init() async {
        signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
    }

    /// The first signal received (at once when one came earlier), or nil when the calling task is
    /// cancelled first.
    public func first() async -> UnixSignal? {
        for await signal in signals { return signal }
        return nil
    }
}

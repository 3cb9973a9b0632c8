// Waiting for SIGTERM or SIGINT without blocking a thread: the signals are ignored at the process
// level and delivered through DispatchSource handlers, which resume an async waiter.
import Dispatch
import Foundation

/// The signals that ask a LucidDrag process to stop gracefully.
public enum ShutdownSignal: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case terminate = 15  // SIGTERM
    case interrupt = 2   // SIGINT

    public var description: String { self == .terminate ? "SIGTERM" : "SIGINT" }
}

/// Watches SIGTERM and SIGINT from the moment it is created until it is cancelled.
///
/// The default disposition of both signals is replaced by "ignore" so that the kernel no longer kills
/// the process; a dispatch source per signal reports each delivery instead. Create one per process,
/// before any other thread could receive the signal.
public final class ShutdownSignalWatcher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "lucid.shutdown-signals")
    private var sources: [DispatchSourceSignal] = []
    private var received: ShutdownSignal?
    private var waiters: [CheckedContinuation<ShutdownSignal?, Never>] = []
    private var cancelled = false

    public init(signals: [ShutdownSignal] = ShutdownSignal.allCases) {
        for signal in signals {
            Foundation.signal(signal.rawValue, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal.rawValue, queue: queue)
            source.setEventHandler { [weak self] in self?.deliver(signal) }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        sources.forEach { $0.cancel() }
    }

    /// Returns the first shutdown signal received, or nil once `cancel()` was called first.
    public func wait() async -> ShutdownSignal? {
        await withCheckedContinuation { continuation in
            queue.async {
                if let received = self.received {
                    continuation.resume(returning: received)
                } else if self.cancelled {
                    continuation.resume(returning: nil)
                } else {
                    self.waiters.append(continuation)
                }
            }
        }
    }

    /// Releases every waiter with nil; later waits return nil at once unless a signal had arrived.
    public func cancel() {
        queue.async {
            self.cancelled = true
            self.resumeWaiters(with: nil)
        }
    }

    private func deliver(_ signal: ShutdownSignal) {
        if received == nil { received = signal }
        resumeWaiters(with: received)
    }

    private func resumeWaiters(with signal: ShutdownSignal?) {
        let pending = waiters
        waiters.removeAll()
        pending.forEach { $0.resume(returning: signal) }
    }
}

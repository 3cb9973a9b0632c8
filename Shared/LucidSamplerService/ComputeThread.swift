/// Runs the sampler's blocking compute on a thread of its own, so that the cooperative pool (as
/// many threads as cores) stays free for the bus, Health and progress messages.
import Foundation
import Synchronization

/// A flag the compute thread polls to stop early.
public final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    public var isRaised: Bool { raised.load(ordering: .acquiring) }

    public func raise() { raised.store(true, ordering: .releasing) }
}

enum ComputeThread {
    /// `body` on a new thread (big stack, for deep model graphs); cancelling the calling task raises
    /// the flag `body` gets, and the call returns when `body` does.
    static func run<T: Sendable>(_ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                let thread = Thread {
                    continuation.resume(with: Result { try body(flag) })
                }
                thread.stackSize = 64 << 20
                thread.name = "lucid-compute"
                thread.start()
            }
        } onCancel: {
            flag.raise()
        }
    }
}

/// CountingReasoner: the built-in reasoner backend, counting the calls it answers, optionally slow.
import Foundation
import LucidProto
import LucidReasoning

/// Sendable because `count` is touched only under `lock`.
final class CountingReasoner: ReasonerBackend, @unchecked Sendable {
    private let builtin = BuiltinBackend()
    private let delay: Duration
    private let lock = NSLock()
    private var count = 0

    /// Answers after `delay`.
    init(delay: Duration = .zero) {
        self.delay = delay
    }

    var name: String { builtin.name }

    /// How many Reason calls it answered.
    var calls: Int { lock.withLock { count } }

    func reason(_ input: ReasoningInput) async throws -> Lucid_V1_ReasonResponse {
        lock.withLock { count += 1 }
        try await Task.sleep(for: delay)
        return try await builtin.reason(input)
    }
}

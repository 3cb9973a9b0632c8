/// CountingReasoner: the built-in reasoner backend, counting the calls it answers.
import Foundation
import LucidProto
import LucidReasoning

final class CountingReasoner: ReasonerBackend, @unchecked Sendable {
    private let builtin = BuiltinBackend()
    private let lock = NSLock()
    private var count = 0

    var name: String { builtin.name }

    /// How many Reason calls it answered.
    var calls: Int { lock.withLock { count } }

    func reason(_ input: ReasoningInput) async throws -> Lucid_V1_ReasonResponse {
        lock.withLock { count += 1 }
        return try await builtin.reason(input)
    }
}

// The engine's worker pool: every item runs once, nested and concurrent calls finish, and products
// split over the pool (by columns or by rows, with either operand transposed) match a plain loop.
@testable import LucidTensor
import XCTest

final class WorkerPoolTests: XCTestCase {
    private var savedThreads = 1

    override func setUp() {
        savedThreads = Engine.threads
        Engine.threads = 2
    }

    override func tearDown() {
        Engine.threads = savedThreads
    }

    func testEveryItemRunsExactlyOnce() {
        for iterations in [2, 3, 17, 1000] {
            XCTAssertEqual(runCounts(slots: iterations) { counts in
                concurrentPerform(iterations: iterations) { counts[$0] += 1 }
            }, Array(repeating: 1, count: iterations))
        }
    }

    func testANestedLoopRunsInsideItsItem() {
        XCTAssertEqual(runCounts(slots: 20) { counts in
            concurrentPerform(iterations: 4) { outer in
                concurrentPerform(iterations: 5) { inner in counts[outer * 5 + inner] += 1 }
            }
        }, Array(repeating: 1, count: 20))
    }

    func testTwoThreadsCanUseThePoolAtOnce() {
        // Each caller counts into its own 8 slots; the pool serves one, the other runs in sequence.
        XCTAssertEqual(runCounts(slots: 16) { counts in
            let shared = SlotPointer(counts: counts)
            DispatchQueue.concurrentPerform(iterations: 2) { caller in
                for _ in 0..<200 {
                    concurrentPerform(iterations: 8) { shared.counts[caller * 8 + $0] += 1 }
                }
            }
        }, Array(repeating: 200, count: 16))
    }

    func testSplitProductsMatchAPlainLoop() throws {
        // Wide (split by columns) and tall (split by rows), sides not multiples of the block size.
        for (m, n, k) in [(24, 301, 64), (301, 24, 64)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    try assertSplitProductMatchesPlainLoop(m: m, n: n, k: k, transA: transA, transB: transB)
                }
            }
        }
    }

    /// C = 0.5·op(A)·op(B) + 2·C through `sgemm` against a plain loop.
    private func assertSplitProductMatchesPlainLoop(m: Int, n: Int, k: Int, transA: Bool, transB: Bool) throws {
        // Not periodic, so that a block read from the wrong offset cannot match by chance.
        let a = (0..<m * k).map { sin(Float($0) * 0.37) }
        let b = (0..<k * n).map { cos(Float($0) * 0.23) }
        let start = (0..<m * n).map { sin(Float($0) * 0.11) }
        var c = start
        let lda = transA ? m : k, ldb = transB ? k : n
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a.baseAddress!, lda: lda,
                          b: b.baseAddress!, ldb: ldb, beta: 2, c: c.baseAddress!, ldc: n, counted: false)
                }
            }
        }
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                let dot = (0..<k).reduce(Float(0)) { sum, p in
                    sum + (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j])
                }
                worst = max(worst, abs(c[i * n + j] - (0.5 * dot + 2 * start[i * n + j])))
            }
        }
        XCTAssertLessThan(worst, 1e-3, "m \(m) n \(n) transA \(transA) transB \(transB)")
    }

    /// The slots' counts after `body` increments them (each slot from one item at a time).
    private func runCounts(slots: Int, _ body: (UnsafeMutableBufferPointer<Int>) -> Void) -> [Int] {
        var counts = Array(repeating: 0, count: slots)
        counts.withUnsafeMutableBufferPointer { body($0) }
        return counts
    }
}

/// Count slots shared by the two callers, which write disjoint ones.
private struct SlotPointer: @unchecked Sendable {
    let counts: UnsafeMutableBufferPointer<Int>
}

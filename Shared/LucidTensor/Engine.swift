/// Engine-wide settings (thread count) and the parallel loop the kernels use.
import CLucidKernels
import Foundation
import Synchronization

/// Settings shared by every tensor operation.
public enum Engine {
    private static let threadCount = Atomic<Int>({
        if let s = ProcessInfo.processInfo.environment["LUCID_THREADS"], let n = Int(s), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }())

    /// Number of threads the engine uses for its parallel loops and matrix products (OpenBLAS
    /// itself runs on the calling thread; see `concurrentPerform`). Defaults to `LUCID_THREADS` or
    /// the number of active processors.
    public static var threads: Int {
        get { threadCount.load(ordering: .relaxed) }
        set { threadCount.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    /// Hands memory freed by dropped tensors back to the operating system (e.g. after releasing a
    /// model), so resident memory reflects what is alive.
    public static func releaseFreeMemory() {
        lucid_release_free_memory()
    }

    /// The OpenBLAS kernel family in use (e.g. "Haswell", "SkylakeX"; `OPENBLAS_CORETYPE` sets it),
    /// with the one OpenBLAS detected when LucidDrag replaced it: "SkylakeX (detected Prescott)".
    public static var blasCore: String {
        let selection = BLASKernels.selection
        return selection.used == selection.detected ? selection.used : "\(selection.used) (detected \(selection.detected))"
    }
}

/// Runs `body` over `0..<count` split into contiguous ranges, on up to `Engine.threads` threads
/// when the work is large enough (`count * costPerItem` above a threshold). Four ranges a thread,
/// taken as threads come free, so that a thread that starts late or runs slow (a busy host) does
/// not leave the others waiting on its one large range.
@inline(__always)
func parallelRanges(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = Engine.threads
    if threads <= 1 || count < 2 || count * costPerItem < 32_768 {
        body(0..<count)
        return
    }
    let parts = Swift.min(threads * 4, count)
    concurrentPerform(iterations: parts) { part in
        let lo = count * part / parts
        let hi = count * (part + 1) / parts
        if lo < hi { body(lo..<hi) }
    }
}

/// A run of floats to copy: `count` from `source` to `destination`.
struct CopyJob {
    let source: UnsafePointer<Float>
    let destination: UnsafeMutablePointer<Float>
    let count: Int
}

/// Runs copies that do not overlap, cut into pieces spread over the engine's threads when there is
/// enough to copy.
func parallelCopy(_ jobs: [CopyJob]) {
    let piece = 16_384
    var pieces: [CopyJob] = []
    for job in jobs {
        var lo = 0
        while lo < job.count {
            let n = Swift.min(piece, job.count - lo)
            pieces.append(CopyJob(source: job.source + lo, destination: job.destination + lo, count: n))
            lo += n
        }
    }
    let total = jobs.reduce(0) { $0 + $1.count }
    pieces.withUnsafeBufferPointer { pieces in
        parallelRanges(pieces.count, costPerItem: total / Swift.max(pieces.count, 1)) { range in
            for job in pieces[range] { job.destination.update(from: job.source, count: job.count) }
        }
    }
}

/// Runs `body(0)`, …, `body(iterations - 1)` on the calling thread and the engine's worker pool
/// (`lucid_pool_run`, up to `Engine.threads` threads in all) and returns when all have finished.
/// A call made while the pool is busy (from inside another loop's body, or from a second thread)
/// runs its iterations in sequence on its own thread.
///
/// One pool serves both the engine's loops and its matrix products, with OpenBLAS on one thread:
/// when OpenBLAS ran its own threads, their idle spinning took a core from the loops in between.
///
/// The kernels' loop bodies capture raw pointers and write disjoint parts of one buffer, which
/// Swift's checker cannot prove race-free, so `body` is not `@Sendable`: each caller owns that
/// promise. `body` never outlives this call.
func concurrentPerform(iterations: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        var kernel = DisjointWritesKernel(body: body)
        withUnsafeMutablePointer(to: &kernel) { pointer in
            lucid_pool_run(iterations, Int32(Engine.threads), { context, index in
                context!.assumingMemoryBound(to: DisjointWritesKernel.self).pointee.body(index)
            }, pointer)
        }
    }
}

/// A data-parallel loop body whose iterations touch disjoint memory (see `concurrentPerform`).
private struct DisjointWritesKernel {
    let body: (Int) -> Void
}

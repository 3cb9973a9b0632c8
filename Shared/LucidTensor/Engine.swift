/// Engine-wide settings (thread count) and the parallel loop the kernels use.
import CLucidKernels
import COpenBLAS
import Dispatch
import Foundation

/// Settings shared by every tensor operation.
public enum Engine {
    nonisolated(unsafe) private static var threadCount: Int = {
        if let s = ProcessInfo.processInfo.environment["LUCID_THREADS"], let n = Int(s), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// Number of threads the engine uses: for OpenBLAS and for its own parallel loops.
    /// Defaults to `LUCID_THREADS` or the number of active processors.
    public static var threads: Int {
        get { threadCount }
        set {
            threadCount = Swift.max(1, newValue)
            openblas_set_num_threads(Int32(threadCount))
        }
    }

    /// Runs `body` with OpenBLAS on one thread (for code that runs its own threads, each calling
    /// BLAS on small products), then restores `threads`.
    static func withSingleThreadedBLAS(_ body: () -> Void) {
        openblas_set_num_threads(1)
        body()
        openblas_set_num_threads(Int32(threadCount))
    }

    /// Hands memory freed by dropped tensors back to the operating system (e.g. after releasing a
    /// model), so resident memory reflects what is alive.
    public static func releaseFreeMemory() {
        lucid_release_free_memory()
    }

    /// The OpenBLAS kernel family in use (e.g. "Haswell", "Cooperlake"; `OPENBLAS_CORETYPE`).
    public static var blasCore: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

/// Runs `body` over `0..<count` split into contiguous ranges, on up to `Engine.threads` threads
/// when the work is large enough (`count * costPerItem` above a threshold).
@inline(__always)
func parallelRanges(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = Engine.threads
    if threads <= 1 || count < 2 || count * costPerItem < 32_768 {
        body(0..<count)
        return
    }
    let parts = Swift.min(threads, count)
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let lo = count * part / parts
            let hi = count * (part + 1) / parts
            if lo < hi { body(lo..<hi) }
        }
    }
}

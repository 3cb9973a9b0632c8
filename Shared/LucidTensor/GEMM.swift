/// Single-precision matrix multiply through OpenBLAS (row-major `cblas_sgemm`).
import COpenBLAS
import Foundation

extension Engine {
    /// Floating-point operations (2·m·n·k per product) of every matrix product run so far; the
    /// benchmarks read it to report GFLOP/s.
    public static var gemmFlops: Int { flopLock.withLock { flopCount } }

    /// Adds `flops` to `gemmFlops` (for kernels that do a product's work in fewer operations,
    /// e.g. Winograd convolutions, which count the direct method's operations).
    static func countFlops(_ flops: Int) { flopLock.withLock { flopCount += flops } }

    // Read and written only while `flopLock` is held.
    nonisolated(unsafe) fileprivate static var flopCount = 0
    fileprivate static let flopLock = NSLock()
}

/// C = alpha · op(A) · op(B) + beta · C, row-major, where op transposes when asked.
/// A is m×k after op, B is k×n after op, C is m×n. `counted` adds its 2·m·n·k to `Engine.gemmFlops`.
/// A large product is split over the engine's threads (OpenBLAS itself runs single-threaded).
func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, counted: Bool = true
) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    if counted { Engine.countFlops(2 * m * n * k) }
    _ = BLASKernels.selection
    let opA = transA ? CblasTrans : CblasNoTrans, opB = transB ? CblasTrans : CblasNoTrans
    func product(
        _ m: Int, _ n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemm(CblasRowMajor, opA, opB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
    let threads = Engine.threads
    guard threads > 1, m * n * k >= splitThreshold, Swift.max(m, n) >= 2 * splitAlignment else {
        return product(m, n, a, b, c)
    }
    // C in blocks of columns (or of rows, when it has more rows), one single-threaded product each
    // on the engine's pool; a block's edges fall on multiples of `splitAlignment`.
    let alongColumns = n >= m
    let length = alongColumns ? n : m
    let units = (length + splitAlignment - 1) / splitAlignment
    let parts = Swift.min(threads, units)
    concurrentPerform(iterations: parts) { part in
        // parts ≤ units, so every block gets at least one unit and starts inside C.
        let lo = units * part / parts * splitAlignment
        let hi = Swift.min(length, units * (part + 1) / parts * splitAlignment)
        if alongColumns {
            product(m, hi - lo, a, b + (transB ? lo * ldb : lo), c + lo)
        } else {
            product(hi - lo, n, a + (transA ? lo : lo * lda), b, c + lo * ldc)
        }
    }
}

/// Products with fewer multiply-adds than this run on one thread (OpenBLAS's own threshold).
private let splitThreshold = 1 << 18
/// The granularity, in rows or columns, of a split product's blocks.
private let splitAlignment = 16

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
@inline(__always)
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
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Single-precision matrix multiply through OpenBLAS (row-major `cblas_sgemm`).
import COpenBLAS
import Foundation

extension Engine {
    /// Floating-point operations (2·m·n·k per product) of every matrix product run so far; the
    /// benchmarks read it to report GFLOP/s.
    public static var gemmFlops: Int { flopLock.withLock { flopCount } }

    nonisolated(unsafe) fileprivate static var flopCount = 0
    fileprivate static let flopLock = NSLock()
}

/// C = alpha · op(A) · op(B) + beta · C, row-major, where op transposes when asked.
/// A is m×k after op, B is k×n after op, C is m×n.
@inline(__always)
func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    Engine.flopLock.withLock { Engine.flopCount += 2 * m * n * k }
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

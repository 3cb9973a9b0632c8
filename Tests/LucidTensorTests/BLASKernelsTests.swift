// OpenBLAS's kernel family: a CPU that OpenBLAS does not recognise gets the widest kernels it can run,
// not the SSE3 fallback; a family that already uses the CPU's width is kept; OpenBLAS runs on the
// calling thread.
import CLucidKernels
import COpenBLAS
import Foundation
@testable import LucidTensor
import XCTest

final class BLASKernelsTests: XCTestCase {
    func testAFallbackFamilyIsReplacedByTheWidestTheCPUCanRun() {
        XCTAssertEqual(BLASKernels.better(than: "Prescott", vectorWidth: 512), "SkylakeX")
        XCTAssertEqual(BLASKernels.better(than: "Haswell", vectorWidth: 512), "SkylakeX")
        XCTAssertEqual(BLASKernels.better(than: "Prescott", vectorWidth: 256), "Haswell")
        XCTAssertEqual(BLASKernels.better(than: "Sandybridge", vectorWidth: 256), "Haswell")
    }

    func testAFamilyThatAlreadyUsesTheCPUsWidthIsKept() {
        XCTAssertNil(BLASKernels.better(than: "Cooperlake", vectorWidth: 512))
        XCTAssertNil(BLASKernels.better(than: "SkylakeX", vectorWidth: 512))
        XCTAssertNil(BLASKernels.better(than: "Zen", vectorWidth: 256))
        XCTAssertNil(BLASKernels.better(than: "Haswell", vectorWidth: 256))
        XCTAssertNil(BLASKernels.better(than: "Prescott", vectorWidth: 0))
    }

    func testThisProcessUsesKernelsAsWideAsTheCPU() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil, "OPENBLAS_CORETYPE chooses")
        let used = BLASKernels.selection.used
        switch lucid_cpu_vector_width() {
        case 512: XCTAssertTrue(BLASKernels.avx512Families.contains(used), "\(Engine.blasCore)")
        case 256: XCTAssertTrue(BLASKernels.avx2Families.contains(used), "\(Engine.blasCore)")
        default: break
        }
        // Products still agree with a plain loop after the switch.
        try assertProductMatchesPlainLoop(m: 37, k: 29, n: 23, left: { Float($0 % 13) * 0.25 - 1 },
                                          right: { Float($0 % 7) * 0.5 - 2 }, rowStep: 1, accuracy: 1e-4)
    }

    func testOpenBLASRunsOnTheCallingThreadAndSplitProductsStillAgree() throws {
        _ = BLASKernels.selection
        XCTAssertEqual(openblas_get_num_threads(), 1, "the engine's pool splits products, not OpenBLAS")
        let saved = Engine.threads
        defer { Engine.threads = saved }
        Engine.threads = 2
        // A product large enough to be split over the engine's pool.
        try assertProductMatchesPlainLoop(m: 160, k: 96, n: 128, left: { Float($0 % 11) * 0.125 - 0.5 },
                                          right: { Float($0 % 5) * 0.25 - 0.5 }, rowStep: 7, accuracy: 1e-3)
    }

    /// `matmul` of an m×k and a k×n matrix (element i of each is `left(i)` / `right(i)`) against a
    /// plain loop, on every `rowStep`-th row.
    private func assertProductMatchesPlainLoop(
        m: Int, k: Int, n: Int, left: (Int) -> Float, right: (Int) -> Float, rowStep: Int, accuracy: Float,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let x = (0..<m * k).map(left), y = (0..<k * n).map(right)
        let product = try matmul(Tensor(shape: [m, k], values: x), Tensor(shape: [k, n], values: y)).scalars
        for i in stride(from: 0, to: m, by: rowStep) {
            for j in 0..<n {
                let expected = (0..<k).reduce(Float(0)) { $0 + x[i * k + $1] * y[$1 * n + j] }
                XCTAssertEqual(product[i * n + j], expected, accuracy: accuracy, file: file, line: line)
            }
        }
    }
}

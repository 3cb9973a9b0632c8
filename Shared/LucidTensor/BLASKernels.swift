/// OpenBLAS's kernel family, checked once per process before the first matrix product.
///
/// Debian's OpenBLAS is built for every x86-64 family and picks one from the CPU's model number. A
/// model it does not know, such as a virtual machine's generic "Intel Xeon Processor", falls back to
/// Prescott's SSE3 kernels, which run this engine's products 2–3× slower than the AVX-512 or AVX2
/// kernels the CPU can run. When that happens, and `OPENBLAS_CORETYPE` is not set, the family is
/// switched to the best one the CPU supports (SkylakeX for AVX-512, Haswell for AVX2 with FMA)
/// through OpenBLAS's own start-up code, looked up at run time so that a build without it still works.
///
/// At the same moment OpenBLAS is set to run on the calling thread: the engine splits large products
/// over its own worker pool (`sgemm`, `concurrentPerform`), so that the threads of one pool serve
/// both the products and the loops between them.
import CLucidKernels
import COpenBLAS
import Foundation

enum BLASKernels {
    /// What OpenBLAS picked by itself, and what it uses now.
    struct Selection: Sendable {
        let detected: String
        let used: String
    }

    /// The families whose single-precision kernels need AVX-512, and those that need at least AVX2.
    static let avx512Families: Set<String> = ["SkylakeX", "Cooperlake", "SapphireRapids"]
    static let avx2Families: Set<String> = avx512Families.union(["Haswell", "Zen"])

    /// Made on first use (any product or `Engine.blasCore`), when OpenBLAS is also set to one thread.
    static let selection: Selection = {
        let selection = select()
        openblas_set_num_threads(1)
        return selection
    }()

    /// The family to switch to on a CPU of `vectorWidth` (`lucid_cpu_vector_width`) when OpenBLAS
    /// picked `detected`, or nil to keep it.
    static func better(than detected: String, vectorWidth: Int) -> String? {
        switch vectorWidth {
        case 512 where !avx512Families.contains(detected): return "SkylakeX"
        case 256 where !avx2Families.contains(detected): return "Haswell"
        default: return nil
        }
    }

    private static func select() -> Selection {
        let detected = currentName()
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let family = better(than: detected, vectorWidth: Int(lucid_cpu_vector_width())),
              let quit = symbol("gotoblas_dynamic_quit"), let initialise = symbol("gotoblas_dynamic_init")
        else { return Selection(detected: detected, used: detected) }
        // OpenBLAS reads OPENBLAS_CORETYPE when it initialises.
        withEnvironment("OPENBLAS_CORETYPE", setTo: family) {
            quit()
            initialise()
        }
        return Selection(detected: detected, used: currentName())
    }

    /// Runs `body` with the environment variable `name` set to `value`, and unsets it after, so
    /// that child processes choose for themselves.
    private static func withEnvironment(_ name: String, setTo value: String, _ body: () -> Void) {
        setenv(name, value, 1)
        body()
        unsetenv(name)
    }

    private static func currentName() -> String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    private typealias Entry = @convention(c) () -> Void

    private static func symbol(_ name: String) -> Entry? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: Entry.self)
    }
}

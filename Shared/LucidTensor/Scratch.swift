/// A reusable scratch buffer for the convolution kernels, so that their large temporaries (im2col
/// bands, Winograd transforms) do not cost fresh pages (and page faults) on every call.
import Foundation

enum Scratch {
    // `buffer` and `capacity` are read and written only while `lock` is held.
    nonisolated(unsafe) private static var buffer: UnsafeMutablePointer<Float>?
    nonisolated(unsafe) private static var capacity = 0
    private static let lock = NSLock()

    /// Runs `body` with at least `count` floats of scratch: the shared buffer (grown as needed)
    /// when no other call holds it, otherwise a private allocation.
    static func with<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        guard lock.try() else {
            let own = UnsafeMutablePointer<Float>.allocate(capacity: count)
            defer { own.deallocate() }
            return try body(own)
        }
        defer { lock.unlock() }
        if capacity < count {
            buffer?.deallocate()
            buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            capacity = count
        }
        return try body(buffer!)
    }
}

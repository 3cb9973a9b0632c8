/// The heap buffer behind a `Tensor`: one 64-byte-aligned block of Float32, freed when the last
/// tensor that views it goes away.

/// An aligned, fixed-size Float32 buffer shared by the tensors that view it.
///
/// Sendable because its fields never change and its floats are written only by a `Tensor` that holds
/// the sole reference (copy on write), so a buffer reachable from two threads is only read.
public final class TensorStorage: @unchecked Sendable {
    /// Number of floats in the buffer.
    public let count: Int
    /// Start of the buffer (64-byte aligned).
    public let pointer: UnsafeMutablePointer<Float>

    /// Allocates `count` uninitialised floats.
    init(uninitializedCount count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: Swift.max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Allocates `count` floats set to zero.
    convenience init(zeroedCount count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: 0, count: count)
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}

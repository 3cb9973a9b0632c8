/// The packed kernels of one convolution weight, kept by the layer that owns the weight, so that
/// the direct 3×3 kernel packs them once instead of on every call (on the demo model's edits the
/// packing was about 4 % of the sampling time).
import Synchronization

/// Packed kernels of one weight: the forward one and the flipped transpose its input gradient runs
/// through, each made on first use.
///
/// An entry keeps the storage of the weight it was packed from, so that weight cannot change under
/// it: a write to the weight copies it first (copy on write), and the next call, finding another
/// storage, packs again.
public final class ConvKernelCache: Sendable {
    private let entries = Mutex<[Bool: PackedConvKernel]>([:])

    public init() {}

    /// The kernel packed from `weight` (transposed for an input gradient), packing it with `pack`
    /// into a buffer of `count` floats when there is none for this weight yet.
    func kernel(for weight: Tensor, transposing: Bool, count: Int,
                pack: (UnsafeMutablePointer<Float>) -> Void) -> PackedConvKernel {
        if let entry = entries.withLock({ $0[transposing] }), entry.isPacked(from: weight) { return entry }
        let entry = PackedConvKernel(source: weight, count: count, pack: pack)
        entries.withLock { $0[transposing] = entry }
        return entry
    }
}

/// A packed kernel and the weight storage it was packed from (held, so it stays unchanged).
final class PackedConvKernel: @unchecked Sendable {
    private let source: TensorStorage
    private let offset: Int
    private let shape: [Int]
    /// The packed floats, written by `pack` while the kernel is made and only read after.
    let floats: UnsafePointer<Float>

    /// `count` floats of `weight` packed by `pack`.
    init(source weight: Tensor, count: Int, pack: (UnsafeMutablePointer<Float>) -> Void) {
        source = weight.storage
        offset = weight.offset
        shape = weight.shape
        let floats = UnsafeMutablePointer<Float>.allocate(capacity: count)
        pack(floats)
        self.floats = UnsafePointer(floats)
    }

    deinit { UnsafeMutablePointer(mutating: floats).deallocate() }

    func isPacked(from weight: Tensor) -> Bool {
        weight.storage === source && weight.offset == offset && weight.shape == shape
    }
}

/// A direct 3×3 convolution (stride 1, padding 1) on AVX-512 CPUs (`lucid_conv3x3_avx512`): it
/// reads the input where it lies, so the unfolded copy im2col writes and OpenBLAS packs again is
/// never made. On the demo model's small images those two copies cost about as much as the product.
import CLucidKernels
import Synchronization

extension ConvGeometry {
    /// True for the convolutions the direct kernel handles, on a CPU that has it, with at most 256
    /// channels in and out, at least 16 pixels wide, and no larger than 32×32 where the Winograd path
    /// would take them.
    ///
    /// - With more channels OpenBLAS's products win: SD-1.5's UNet forward at a 64×64 latent took
    ///   5.1–5.6 s with its 640- and 1280-channel layers direct, 4.3–4.4 s without.
    /// - Below 16 pixels im2col is kept: with the demo model's 8×8 convolutions direct as well, its
    ///   edits sampled about 6 % slower (6 held-out tasks, 3 alternating runs), though one such
    ///   convolution alone timed the same either way; a variant for such images (4 channels over
    ///   the whole image an item) ran the convolution alone 25 % faster and still sampled 4 % slower.
    /// - At 32×32 with 128 channels (the demo VAE's) direct beat Winograd: encode 28 → 21 ms, decode
    ///   65 → 49 ms an edit; at 64×64 with 320 channels Winograd stays faster (32-34 ms against 38-45).
    var prefersDirect: Bool {
        DirectConv3x3.isAvailable && isSame3x3 && outChannels % 8 == 0 && Swift.max(inChannels, outChannels) <= 256
            && width >= 16 && (!prefersWinograd || outHeight * outWidth <= 1024)
    }
}

enum DirectConv3x3 {
    /// Whether this CPU runs the AVX-512 kernel.
    static let isAvailable: Bool = {
        #if arch(x86_64)
        return lucid_cpu_vector_width() == 512
        #else
        return false
        #endif
    }()

    /// The load masks of each image size seen (`lucid_conv3x3_masks`), by height and width.
    private static let maskCache = Mutex<[Int: [UInt16]]>([:])

    /// The kernel's load masks for `height`×`width` images, computed once per size.
    static func masks(height: Int, width: Int) -> [UInt16] {
        maskCache.withLock { cache in
            let key = height << 32 | width
            if let masks = cache[key] { return masks }
            var masks = [UInt16](repeating: 0, count: lucid_conv3x3_vectors(height, width) * 9)
            masks.withUnsafeMutableBufferPointer { lucid_conv3x3_masks(height, width, $0.baseAddress) }
            cache[key] = masks
            return masks
        }
    }

    /// The convolution of `x` (`[N, Cin, H, W]`) with `weight` (`[Cout, Cin, 3, 3]`) into `out`
    /// (`[N, Cout, H, W]`), with `bias` added when given; every output element is written. With
    /// `transposing`, `weight` is `[Cin, Cout, 3, 3]` and the kernel used is its flipped transpose:
    /// the input gradient of the convolution by `weight`, for `x` an output gradient. The packed
    /// kernel is taken from `kernels` when given (packed there on first use).
    static func convolve(
        _ x: UnsafePointer<Float>, weight: Tensor, transposing: Bool = false, kernels: ConvKernelCache?,
        bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>, _ g: ConvGeometry
    ) {
        #if arch(x86_64)
        let count = g.outChannels * g.inChannels * 9
        func pack(_ packed: UnsafeMutablePointer<Float>) {
            let w = weight.pointer
            parallelRanges(g.outChannels, costPerItem: 9 * g.inChannels) { range in
                if transposing {
                    lucid_conv3x3_pack(w, g.inChannels, g.outChannels, 1, packed, range.lowerBound, range.upperBound)
                } else {
                    lucid_conv3x3_pack(w, g.outChannels, g.inChannels, 0, packed, range.lowerBound, range.upperBound)
                }
            }
        }
        let kernel = kernels?.kernel(for: weight, transposing: transposing, count: count, pack: pack)
            ?? PackedConvKernel(source: weight, count: count, pack: pack)
        let masks = self.masks(height: g.height, width: g.width)
        let items = g.batch * (g.outChannels / 8) * lucid_conv3x3_tiles(g.height, g.width)
        // An item: 8 channels × 48 pixels × Cin × 9 multiply-adds.
        withExtendedLifetime(kernel) {
            let packed = kernel.floats
            masks.withUnsafeBufferPointer { masks in
                parallelRanges(items, costPerItem: 8 * 48 * 9 * g.inChannels) { range in
                    lucid_conv3x3_avx512(x, g.inChannels, g.height, g.width, packed, masks.baseAddress, g.outChannels,
                                         bias, out, range.lowerBound, range.upperBound)
                }
            }
        }
        Engine.countFlops(2 * g.batch * g.outChannels * g.height * g.width * g.patch)
        #else
        preconditionFailure("the direct 3×3 convolution needs an x86-64 CPU with AVX-512")
        #endif
    }
}

/// The memory bank (method.md §2): the keys and values of every decoder self-attention at every
/// inversion step, so that sampling can attend to the original image as well as to itself.
import LucidModels
import LucidTensor

/// Decoder self-attention keys/values `[1, L, C]` by timestep and site.
///
/// Sendable because one inversion fills it, on one thread, before anything shares it (the inversion
/// cache hands an inversion out only once it is complete); afterwards it is only read.
public final class MemoryBank: @unchecked Sendable {
    private var entries: [Int: [DecoderSelfAttentionSite: (keys: Tensor, values: Tensor)]] = [:]

    public init() {}

    /// Bytes held (for the inversion cache's bound).
    public private(set) var byteCount = 0

    /// Hooks that store what the pass at `timestep` computes (the pass runs on, unchanged).
    public func recording(at timestep: Int) -> UNetHooks {
        UNetHooks(decoderSelfAttention: { [self] site, keys, values in
            entries[timestep, default: [:]][site] = (keys.detached(), values.detached())
            byteCount += (keys.count + values.count) * MemoryLayout<Float>.size
            return (keys, values)
        })
    }

    /// Hooks that let every decoder self-attention at `timestep` attend over its own keys/values
    /// concatenated with the stored ones (repeated over the batch).
    public func attending(at timestep: Int) throws -> UNetHooks {
        guard let stored = entries[timestep] else {
            throw EditingError.unsupported("the memory bank has no entry for timestep \(timestep)")
        }
        return UNetHooks(decoderSelfAttention: { site, keys, values in
            guard let bank = stored[site] else { return (keys, values) }
            let batch = keys.shape[0]
            func extend(_ own: Tensor, _ saved: Tensor) throws -> Tensor {
                let repeated = batch == 1 ? saved : try saved.broadcast(to: [batch, saved.shape[1], saved.shape[2]])
                return try concat([own, repeated], axis: 1)
            }
            return (try extend(keys, bank.keys), try extend(values, bank.values))
        })
    }
}

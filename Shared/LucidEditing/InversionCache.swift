/// Shares inversions between the edits of one image: the N intentions of a request invert the same
/// image with the same prompt and model, so the second and later ones reuse the first's (waiting
/// for it while it runs, never computing it twice). Bounded in bytes, least recently used first out.
import Foundation

/// What makes two inversions the same.
public struct InversionKey: Hashable, Sendable {
    public let model: String
    /// FNV-1a of the working image's size and pixels.
    public let image: UInt64
    public let prompt: String
    public let steps: Int
    /// Inversion steps run (of `steps`, cleanest first).
    public let depth: Int

    public init(model: String, image: UInt64, prompt: String, steps: Int, depth: Int) {
        self.model = model
        self.image = image
        self.prompt = prompt
        self.steps = steps
        self.depth = depth
    }

    /// FNV-1a 64 over `width`, `height` and `pixels`.
    public static func fingerprint(width: Int, height: Int, pixels: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for value in [width, height] { withUnsafeBytes(of: UInt64(value).littleEndian) { $0.forEach(mix) } }
        pixels.forEach(mix)
        return hash
    }
}

/// A bounded, single-flight cache of inversions. Blocking: call it from compute threads.
///
/// Sendable because its mutable fields are read and written only while `condition` is locked.
public final class InversionCache: @unchecked Sendable {
    /// The most bytes kept (the newest entry is kept even when it alone is larger).
    public let byteLimit: Int
    private let condition = NSCondition()
    private var entries: [InversionKey: Inversion] = [:]
    private var recency: [InversionKey] = []
    private var running: Set<InversionKey> = []

    public init(byteLimit: Int) { self.byteLimit = byteLimit }

    /// The inversion for `key`: cached, or awaited while another thread computes it, or computed
    /// with `compute` now. `cached` is true unless this call computed it.
    public func inversion(for key: InversionKey, compute: () throws -> Inversion) throws -> (inversion: Inversion, cached: Bool) {
        condition.lock()
        while true {
            if let hit = entries[key] {
                recency.removeAll { $0 == key }
                recency.append(key)
                condition.unlock()
                return (hit, true)
            }
            guard running.contains(key) else { break }
            condition.wait()
        }
        running.insert(key)
        condition.unlock()
        let result: Inversion
        do {
            result = try compute()
        } catch {
            condition.lock()
            running.remove(key)
            condition.broadcast()
            condition.unlock()
            throw error
        }
        condition.lock()
        running.remove(key)
        entries[key] = result
        recency.append(key)
        var total = entries.values.reduce(0) { $0 + $1.byteCount }
        while total > byteLimit, recency.count > 1 {
            let oldest = recency.removeFirst()
            total -= entries.removeValue(forKey: oldest)?.byteCount ?? 0
        }
        condition.broadcast()
        condition.unlock()
        return (result, false)
    }

    /// Inversions held now.
    public var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return entries.count
    }
}

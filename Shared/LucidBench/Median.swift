/// The median of a sample, as every benchmark table reports it.

extension Collection where Element == Double {
    /// The middle value once sorted (the mean of the two middle ones for an even count); NaN when empty.
    public var median: Double {
        let s = sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

// Durations as the numbers the commands print and record.

extension Duration {
    /// The duration in milliseconds, as a floating-point number.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) * 1e-15
    }
}

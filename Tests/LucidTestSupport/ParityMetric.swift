// The parity metric of the tests that compare with PyTorch fixtures.
import LucidTensor

/// max |actual − expected| / max |expected| (infinite when the shapes differ).
public func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    guard actual.shape == expected.shape else { return .infinity }
    let a = actual.scalars, e = expected.scalars
    var maxDiff: Float = 0, maxRef: Float = 0
    for i in 0..<a.count {
        maxDiff = max(maxDiff, abs(a[i] - e[i]))
        maxRef = max(maxRef, abs(e[i]))
    }
    return maxRef > 0 ? maxDiff / maxRef : maxDiff
}

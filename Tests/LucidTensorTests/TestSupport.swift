/// Helpers for the tensor tests: closeness assertions, seeded inputs, and a central finite-difference
/// check of tape gradients.
import XCTest
@testable import LucidTensor

/// A seeded normal tensor.
func randomTensor(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
    var g = SeededGenerator(seed: seed)
    return Tensor.randomNormal(shape, std: std, generator: &g)
}

/// max |a − e| / max |e| (or the absolute difference when e is all zeros).
func relativeError(_ a: [Float], _ e: [Float]) -> Float {
    precondition(a.count == e.count)
    var diff: Float = 0, scale: Float = 0
    for (x, y) in zip(a, e) { diff = max(diff, abs(x - y)); scale = max(scale, abs(y)) }
    return scale > 0 ? diff / scale : diff
}

func assertClose(
    _ actual: Tensor, _ expected: [Float], shape: [Int]? = nil, tolerance: Float = 1e-5,
    file: StaticString = #filePath, line: UInt = #line
) {
    if let shape { XCTAssertEqual(actual.shape, shape, "shape", file: file, line: line) }
    XCTAssertEqual(actual.count, expected.count, "element count", file: file, line: line)
    guard actual.count == expected.count else { return }
    let err = relativeError(actual.scalars, expected)
    XCTAssertLessThanOrEqual(err, tolerance, "relative error \(err): \(actual.scalars.prefix(8)) vs \(expected.prefix(8))",
                             file: file, line: line)
}

/// Checks the tape gradient of L = Σ f(inputs) ⊙ W (W a fixed random weighting) with respect to
/// every input against central finite differences.
func assertGradientsMatchFiniteDifferences(
    _ inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-3,
    file: StaticString = #filePath, line: UInt = #line,
    _ f: ([Tensor]) throws -> Tensor
) throws {
    let probe = try f(inputs)
    let weighting = randomTensor(probe.shape, seed: 99)
    func loss(_ xs: [Tensor]) throws -> Double {
        let y = try f(xs)
        var s: Double = 0
        for (a, b) in zip(y.scalars, weighting.scalars) { s += Double(a) * Double(b) }
        return s
    }
    let tape = GradientTape()
    let watched = inputs.map { tape.watch($0) }
    let y = try f(watched)
    let l = try (y * weighting).sum()
    let grads = try tape.gradient(of: l, wrt: watched)
    for (index, input) in inputs.enumerated() {
        var numeric = [Float](repeating: 0, count: input.count)
        for i in 0..<input.count {
            var plus = inputs, minus = inputs
            plus[index] = perturbed(input, at: i, by: step)
            minus[index] = perturbed(input, at: i, by: -step)
            numeric[i] = Float((try loss(plus) - loss(minus)) / (2 * Double(step)))
        }
        let err = relativeError(grads[index].scalars, numeric)
        XCTAssertLessThanOrEqual(err, tolerance,
            "input \(index): gradient error \(err)\n tape \(grads[index].scalars.prefix(6))\n fd   \(numeric.prefix(6))",
            file: file, line: line)
    }
}

private func perturbed(_ x: Tensor, at i: Int, by delta: Float) -> Tensor {
    var t = x.copy()
    t.withUnsafeMutableBufferPointer { $0[i] += delta }
    return t
}

/// Elementwise unary functions (exp, log, sqrt, square, sigmoid, tanh, ReLU, clamp) and their
/// gradients.
import CLucidKernels
import Foundation

extension Tensor {
    /// A new tensor with `f` applied to every element (parallel over large tensors).
    @inline(__always)
    func mapped(_ f: (Float) -> Float) -> Tensor {
        var out = Tensor(uninitializedShape: shape)
        let src = pointer, dst = out.mutablePointer
        parallelRanges(count, costPerItem: 4) { r in
            for i in r { dst[i] = f(src[i]) }
        }
        return out
    }

    /// A new tensor from a C kernel `kernel(src, dst, n)` run over slices in parallel.
    @inline(__always)
    func kernelMapped(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        var out = Tensor(uninitializedShape: shape)
        let src = pointer, dst = out.mutablePointer
        parallelRanges(count, costPerItem: 4) { r in kernel(src + r.lowerBound, dst + r.lowerBound, r.count) }
        return out
    }

    /// `f(self, other)` elementwise for two tensors of the same shape (no recording).
    @inline(__always)
    func zipped(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        var out = Tensor(uninitializedShape: shape)
        let a = pointer, b = other.pointer, dst = out.mutablePointer
        parallelRanges(count, costPerItem: 4) { r in
            for i in r { dst[i] = f(a[i], b[i]) }
        }
        return out
    }

    /// eˣ elementwise.
    public func exp() -> Tensor {
        let out = kernelMapped { lucid_exp($0, $1, $2) }
        guard let tape = activeTape(self) else { return out }
        let y = out.detached()
        return tape.record(out, inputs: [self]) { g in [g.zipped(y, *)] }
    }

    /// Natural logarithm elementwise.
    public func log() -> Tensor {
        let out = mapped { Foundation.log($0) }
        guard let tape = activeTape(self) else { return out }
        let x = detached()
        return tape.record(out, inputs: [self]) { g in [g.zipped(x, /)] }
    }

    /// Square root elementwise.
    public func sqrt() -> Tensor {
        let out = mapped { $0.squareRoot() }
        guard let tape = activeTape(self) else { return out }
        let y = out.detached()
        return tape.record(out, inputs: [self]) { g in [g.zipped(y) { g, y in 0.5 * g / y }] }
    }

    /// x² elementwise.
    public func squared() -> Tensor {
        let out = mapped { $0 * $0 }
        guard let tape = activeTape(self) else { return out }
        let x = detached()
        return tape.record(out, inputs: [self]) { g in [g.zipped(x) { g, x in 2 * g * x }] }
    }

    /// 1 / (1 + e⁻ˣ) elementwise.
    public func sigmoid() -> Tensor {
        let out = kernelMapped { lucid_sigmoid($0, $1, $2) }
        guard let tape = activeTape(self) else { return out }
        let y = out.detached()
        return tape.record(out, inputs: [self]) { g in [g.zipped(y) { g, y in g * y * (1 - y) }] }
    }

    /// tanh elementwise.
    public func tanh() -> Tensor {
        let out = mapped { Foundation.tanh($0) }
        guard let tape = activeTape(self) else { return out }
        let y = out.detached()
        return tape.record(out, inputs: [self]) { g in [g.zipped(y) { g, y in g * (1 - y * y) }] }
    }

    /// max(x, 0) elementwise.
    public func relu() -> Tensor {
        let out = mapped { Swift.max($0, 0) }
        guard let tape = activeTape(self) else { return out }
        let x = detached()
        return tape.record(out, inputs: [self]) { g in [g.zipped(x) { g, x in x > 0 ? g : 0 }] }
    }

    /// Each element limited to [low, high]; the gradient is zero where the limit applied.
    public func clamped(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        let out = mapped { Swift.min(Swift.max($0, low), high) }
        guard let tape = activeTape(self) else { return out }
        let x = detached()
        return tape.record(out, inputs: [self]) { g in
            [g.zipped(x) { g, x in (x >= low && x <= high) ? g : 0 }]
        }
    }
}

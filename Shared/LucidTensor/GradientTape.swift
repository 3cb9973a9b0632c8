/// Reverse-mode differentiation with respect to tensor inputs (weights are constants).
///
/// A `GradientTape` records only the ops applied to tensors it watches (and to tensors derived
/// from them). Each op appends one node holding a closure that maps the gradient of its output to
/// the gradients of its tracked inputs; `gradient(of:wrt:)` walks the nodes backwards once.
/// Plain forward passes carry no tape link and record nothing.
import Foundation

/// The link from a recorded tensor to its node on a tape.
struct TapeLink {
    weak var tape: GradientTape?
    let node: Int
}

/// Records the ops applied to watched tensors, to give gradients with respect to them.
///
///     let tape = GradientTape()
///     let x = tape.watch(latent)
///     let energy = try model(x).sum()
///     let g = try tape.gradient(of: energy, wrt: x)
///
/// Sendable because its one mutable field, the node list, is read and written only under `lock`.
public final class GradientTape: @unchecked Sendable {
    /// Maps the output gradient of a node to the gradients of its inputs (nil: no gradient).
    typealias Backward = (Tensor) throws -> [Tensor?]

    struct Node {
        /// Node ids of the inputs (nil for an untracked input).
        let inputs: [Int?]
        /// Shape of the node's output (to seed zeros and to check gradients).
        let shape: [Int]
        let backward: Backward?
    }

    private var nodes: [Node] = []
    private let lock = NSLock()

    public init() {}

    /// Number of recorded nodes (watched tensors included).
    public var nodeCount: Int { lock.withLock { nodes.count } }

    /// `x` as a tensor the tape follows: gradients can be taken with respect to it.
    public func watch(_ x: Tensor) -> Tensor {
        var t = x
        t.tracker = TapeLink(tape: self, node: append(Node(inputs: [], shape: x.shape, backward: nil)))
        return t
    }

    /// Drops every recorded node (and the tensors their closures hold).
    public func reset() {
        lock.withLock { nodes.removeAll() }
    }

    /// Gradient of `y` (a one-element tensor, or any tensor with `seed` as its output gradient)
    /// with respect to `x`. An `x` that `y` does not depend on gets zeros.
    public func gradient(of y: Tensor, wrt x: Tensor, seed: Tensor? = nil) throws -> Tensor {
        try gradient(of: y, wrt: [x], seed: seed)[0]
    }

    /// Gradients of `y` with respect to each of `xs`.
    public func gradient(of y: Tensor, wrt xs: [Tensor], seed: Tensor? = nil) throws -> [Tensor] {
        guard let link = y.tracker, link.tape === self else {
            throw TensorError.gradient("the output was not recorded on this tape (is the input watched?)")
        }
        let start: Tensor
        if let seed {
            guard seed.shape == y.shape else {
                throw TensorError.shapeMismatch("gradient seed \(seed.shape) vs output \(y.shape)")
            }
            start = seed.detached()
        } else {
            guard y.count == 1 else {
                throw TensorError.gradient("output of shape \(y.shape) is not a scalar; pass a seed")
            }
            start = Tensor(ones: y.shape)
        }
        var wantedNodes: [Int] = []
        for x in xs {
            guard let l = x.tracker, l.tape === self else {
                throw TensorError.gradient("a tensor of shape \(x.shape) is not watched by this tape")
            }
            wantedNodes.append(l.node)
        }
        let wanted = Set(wantedNodes)
        let snapshot = lock.withLock { nodes }
        var grads: [Int: Tensor] = [link.node: start]
        for id in stride(from: link.node, through: 0, by: -1) {
            guard let g = grads[id] else { continue }
            let node = snapshot[id]
            if !wanted.contains(id) { grads[id] = nil }
            guard let backward = node.backward else { continue }
            let inputGrads = try backward(g)
            for (input, grad) in zip(node.inputs, inputGrads) {
                guard let input, let grad else { continue }
                if var existing = grads.removeValue(forKey: input) {
                    try existing.accumulate(grad)
                    grads[input] = existing
                } else {
                    grads[input] = grad.detached()
                }
            }
        }
        return zip(xs, wantedNodes).map { x, node in grads[node] ?? Tensor(zeros: x.shape) }
    }

    fileprivate func append(_ node: Node) -> Int {
        lock.withLock {
            nodes.append(node)
            return nodes.count - 1
        }
    }

    /// Records an op whose output is `output` and whose inputs are `inputs`; returns `output`
    /// linked to the new node. Inputs on another tape (or none) are treated as constants.
    func record(_ output: Tensor, inputs: [Tensor], backward: @escaping Backward) -> Tensor {
        let ids = inputs.map { t -> Int? in
            guard let l = t.tracker, l.tape === self else { return nil }
            return l.node
        }
        var out = output
        out.tracker = TapeLink(tape: self, node: append(Node(inputs: ids, shape: output.shape, backward: backward)))
        return out
    }
}

/// The tape of the first tracked tensor among `inputs`, if any (nil: nothing to record).
@inline(__always)
func activeTape(_ inputs: Tensor...) -> GradientTape? {
    for t in inputs { if let tape = t.tracker?.tape { return tape } }
    return nil
}

/// The tape of the first tracked tensor in `inputs`, if any.
@inline(__always)
func activeTape(of inputs: [Tensor]) -> GradientTape? {
    for t in inputs { if let tape = t.tracker?.tape { return tape } }
    return nil
}

/// Loading a checkpoint into a `Module` tree by key, and filling a tree with seeded random weights
/// (for benchmarks at full size without a multi-gigabyte file).
import Foundation
import LucidTensor

/// A set of named Float32 tensors to load from (a safetensors file, or several).
public protocol WeightSource {
    /// The file (or files) the weights come from, for error messages.
    var name: String { get }
    /// Every tensor name in the source.
    var tensorNames: [String] { get }
    /// The shape of `key`, or nil when the source lacks it.
    func shape(of key: String) -> [Int]?
    /// Decodes `key` to Float32.
    func tensor(_ key: String) throws -> Tensor
}

/// A checkpoint does not fit the model tree it is loaded into.
public enum WeightLoadingError: Error, CustomStringConvertible, Equatable {
    /// Parameters of the model that the file lacks.
    case missingKeys([String], file: String)
    /// Tensors in the file that no parameter of the model takes.
    case unexpectedKeys([String], file: String)
    /// A tensor whose shape differs from the parameter built from the configuration.
    case shapeMismatch(key: String, expected: [Int], found: [Int], file: String)

    public var description: String {
        switch self {
        case .missingKeys(let keys, let file):
            return "\(file): \(keys.count) parameter(s) missing from the checkpoint: \(listed(keys))"
        case .unexpectedKeys(let keys, let file):
            return "\(file): \(keys.count) unexpected tensor(s) that the model has no parameter for: \(listed(keys))"
        case .shapeMismatch(let key, let expected, let found, let file):
            return "\(file): tensor '\(key)' has shape \(found) but the configuration gives \(expected)"
        }
    }
}

private func listed(_ keys: [String]) -> String {
    keys.count <= 8 ? keys.joined(separator: ", ") : keys.prefix(8).joined(separator: ", ") + ", …"
}

extension Module {
    /// Replaces every parameter of the tree with the tensor of the same key in `weights`.
    ///
    /// Nothing is changed unless the whole checkpoint fits: every present parameter has a tensor of its
    /// shape, and every tensor (other than `ignoring`, e.g. non-parameter buffers) is taken.
    /// - Parameter prefix: prepended to every key of the tree (e.g. `"text_model."`).
    public func load(from weights: WeightSource, prefix: String = "", ignoring: Set<String> = []) throws {
        let slots = parameterSlots(prefix: prefix).filter { $0.slot.tensor != nil }
        let missing = slots.map(\.key).filter { weights.shape(of: $0) == nil }
        guard missing.isEmpty else { throw WeightLoadingError.missingKeys(missing, file: weights.name) }
        let wanted = Set(slots.map(\.key))
        let unexpected = weights.tensorNames.filter { !wanted.contains($0) && !ignoring.contains($0) }
        guard unexpected.isEmpty else { throw WeightLoadingError.unexpectedKeys(unexpected.sorted(), file: weights.name) }
        for (key, slot) in slots {
            let expected = slot.tensor?.shape ?? []
            let found = weights.shape(of: key) ?? []
            guard found == expected else {
                throw WeightLoadingError.shapeMismatch(key: key, expected: expected, found: found, file: weights.name)
            }
        }
        for (key, slot) in slots {
            slot.assign(try weights.tensor(key))
        }
    }

    /// Fills every present parameter with seeded random values, in key order: tensors of rank ≥ 2
    /// get N(0, 1/fan_in) (fan_in = product of all but the first dimension), 1-D `weight`s (norm
    /// scales) get 1 and other 1-D tensors (biases) get 0. Deterministic for a given seed.
    public func randomizeParameters(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for (key, slot) in parameterSlots() {
            guard let current = slot.tensor else { continue }
            let shape = current.shape
            if shape.count >= 2 {
                let fanIn = shape.dropFirst().reduce(1, *)
                let std = 1 / Float(Swift.max(fanIn, 1)).squareRoot()
                slot.assign(Tensor.randomNormal(shape, std: std, generator: &generator))
            } else if key.hasSuffix("weight") {
                slot.assign(Tensor(ones: shape))
            } else {
                slot.assign(Tensor(zeros: shape))
            }
        }
    }
}

/// Several weight sources read as one (e.g. the shards of a checkpoint); a key is looked up in each.
public struct CombinedWeightSource: WeightSource {
    /// The parts, searched in order.
    public let parts: [WeightSource]

    public init(_ parts: [WeightSource]) { self.parts = parts }

    public var name: String { parts.map(\.name).joined(separator: " + ") }
    public var tensorNames: [String] { parts.flatMap(\.tensorNames) }

    public func shape(of key: String) -> [Int]? {
        for part in parts { if let shape = part.shape(of: key) { return shape } }
        return nil
    }

    public func tensor(_ key: String) throws -> Tensor {
        for part in parts where part.shape(of: key) != nil { return try part.tensor(key) }
        throw SafetensorsError.missingTensor(file: name, tensor: key)
    }
}

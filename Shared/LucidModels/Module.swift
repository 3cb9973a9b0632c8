/// `Module`: the base class of every layer. A layer is a small class whose stored properties are its
/// sub-layers (`@Child`) and weights (`@Parameter`), each named after its key in the diffusers /
/// transformers state dict, so that loading a checkpoint is "walk the tree, match names".
import LucidTensor

/// A layer: a node of the model tree whose `@Child` properties are sub-layers and whose `@Parameter`
/// properties are weights. Keys are the property names unless the property wrapper gives `key:`.
///
/// ```swift
/// final class FeedForward: Module {
///     @Child(key: "net.0") var projection: GEGLUProjection
///     @Child(key: "net.2") var output: Linear
///
///     init(width: Int) {
///         super.init()                       // children and parameters are assigned after super.init()
///         projection = GEGLUProjection(width, 4 * width)
///         output = Linear(4 * width, width)
///     }
/// }
/// ```
open class Module {
    public init() {}

    /// The direct sub-layers with their keys; an array child contributes `key.0`, `key.1`, …, and an
    /// absent optional child contributes nothing.
    public var children: [(key: String, module: Module)] {
        var result: [(key: String, module: Module)] = []
        forEachProperty { key, value in
            guard let child = value as? ChildSlot else { return }
            for (suffix, module) in child.modules {
                result.append((suffix.map { "\(key).\($0)" } ?? key, module))
            }
        }
        return result
    }

    /// Every parameter of this layer and its descendants, keyed by its full dotted key, in
    /// declaration order. Absent optional parameters are left out.
    public func parameters() -> [(key: String, value: Tensor)] {
        parameterSlots().compactMap { key, slot in slot.tensor.map { (key, $0) } }
    }

    /// The number of scalars in `parameters()`.
    public var parameterCount: Int {
        parameters().reduce(0) { $0 + $1.value.count }
    }

    /// The parameter slots of the tree (present or absent), keyed by full dotted key.
    func parameterSlots(prefix: String = "") -> [(key: String, slot: ParameterSlot)] {
        var result: [(key: String, slot: ParameterSlot)] = []
        forEachProperty { key, value in
            if let parameter = value as? ParameterSlot {
                result.append((prefix + key, parameter))
            } else if let child = value as? ChildSlot {
                for (suffix, module) in child.modules {
                    let childKey = prefix + (suffix.map { "\(key).\($0)" } ?? key)
                    result += module.parameterSlots(prefix: childKey + ".")
                }
            }
        }
        return result
    }

    /// Calls `body` with the key and backing wrapper of every stored property, superclass first.
    private func forEachProperty(_ body: (String, Any) -> Void) {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror {
            mirrors.append(m)
            mirror = m.superclassMirror
        }
        for m in mirrors.reversed() {
            for case let (label?, value) in m.children {
                let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
                if let keyed = value as? KeyedSlot {
                    body(keyed.key ?? name, value)
                }
            }
        }
    }
}

/// A property wrapper whose key names it in a checkpoint.
protocol KeyedSlot: AnyObject {
    var key: String? { get }
}

/// A `@Child` property seen without its generic type.
protocol ChildSlot: KeyedSlot {
    /// The modules it holds: `(nil, m)` for a single module, `("0", m0), ("1", m1), …` for an array.
    var modules: [(suffix: String?, module: Module)] { get }
}

/// A `@Parameter` property seen without its generic type.
protocol ParameterSlot: KeyedSlot {
    /// The current value, or nil for an absent optional parameter.
    var tensor: Tensor? { get }
    /// Replaces the value (only called for a present parameter, with a tensor of its shape).
    func assign(_ value: Tensor)
}

/// Marks a sub-layer property: a `Module`, an optional `Module` (nil = absent), or an array of them.
/// Assign it in the layer's initializer after `super.init()`.
@propertyWrapper
public final class Child<Value>: ChildSlot {
    public let key: String?
    private var value: Value?

    public var wrappedValue: Value {
        get {
            guard let value else { preconditionFailure("child '\(key ?? "?")' read before its layer's init assigned it") }
            return value
        }
        set { value = newValue }
    }

    /// A child keyed by its property name.
    public init() { self.key = nil }

    /// A child with checkpoint key `key` (dots allowed, e.g. `"to_out.0"`).
    public init(key: String) { self.key = key }

    public init(wrappedValue: Value, key: String? = nil) {
        self.key = key
        self.value = wrappedValue
    }

    var modules: [(suffix: String?, module: Module)] {
        guard let value else { return [] }
        if let module = value as? Module { return [(nil, module)] }
        if let array = value as? [Module] {
            return array.enumerated().map { (String($0.offset), $0.element) }
        }
        return []
    }
}

/// The values a `@Parameter` may hold: a `Tensor`, or an optional one (nil = the layer has no such
/// weight, e.g. a bias-free projection).
public protocol ParameterValue {
    var parameterTensor: Tensor? { get }
    static func fromParameter(_ tensor: Tensor) -> Self
}

extension Tensor: ParameterValue {
    public var parameterTensor: Tensor? { self }
    public static func fromParameter(_ tensor: Tensor) -> Tensor { tensor }
}

extension Optional: ParameterValue where Wrapped == Tensor {
    public var parameterTensor: Tensor? { self }
    public static func fromParameter(_ tensor: Tensor) -> Tensor? { tensor }
}

/// Marks a weight property (`Tensor`, or `Tensor?` when the weight may be absent). Assign it in the
/// layer's initializer after `super.init()`.
@propertyWrapper
public final class Parameter<Value: ParameterValue>: ParameterSlot {
    public let key: String?
    private var value: Value?

    public var wrappedValue: Value {
        get {
            guard let value else { preconditionFailure("parameter '\(key ?? "?")' read before its layer's init assigned it") }
            return value
        }
        set { value = newValue }
    }

    /// A weight keyed by its property name.
    public init() { self.key = nil }

    /// A weight with checkpoint key `key`.
    public init(key: String) { self.key = key }

    public init(wrappedValue: Value, key: String? = nil) {
        self.key = key
        self.value = wrappedValue
    }

    var tensor: Tensor? { value?.parameterTensor }

    func assign(_ tensor: Tensor) { value = Value.fromParameter(tensor) }
}

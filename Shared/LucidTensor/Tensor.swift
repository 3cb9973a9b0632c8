/// `Tensor`: a dense, contiguous, row-major Float32 array with a shape (NCHW for images).
///
/// A tensor is a value: copies share storage until one of them is mutated (copy on write).
/// Reshaping and slicing along the first axis are views; every other op writes a new buffer.
/// A tensor derived from one a `GradientTape` watches carries a link to that tape, so the ops
/// applied to it are recorded; a tensor without such a link records nothing.

/// A dense Float32 tensor in contiguous row-major order.
///
/// Sendable for the reason `Array` is: the shared storage is only read, and every write goes to a
/// uniquely referenced copy first (copy on write); a tape link only appends to its lock-guarded tape.
public struct Tensor: @unchecked Sendable {
    /// Dimensions, outermost first.
    public private(set) var shape: [Int]
    @usableFromInline var storage: TensorStorage
    @usableFromInline var offset: Int
    /// The tape node this tensor is the output of, when it is being recorded.
    var tracker: TapeLink?

    init(shape: [Int], storage: TensorStorage, offset: Int = 0) {
        self.shape = shape
        self.storage = storage
        self.offset = offset
        self.tracker = nil
    }

    /// A tensor of `shape` whose contents are left uninitialised (for ops that overwrite it).
    init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitializedCount: Tensor.elementCount(shape)))
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(zeroedCount: Tensor.elementCount(shape)))
    }

    /// A tensor with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(uninitializedShape: shape)
        storage.pointer.update(repeating: value, count: storage.count)
    }

    /// A tensor of ones.
    public init(ones shape: [Int]) {
        self.init(repeating: 1, shape: shape)
    }

    /// A rank-0 tensor holding `value`.
    public init(scalar value: Float) {
        self.init(repeating: value, shape: [])
    }

    /// A tensor from row-major `values`; throws when their count does not fill `shape`.
    public init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument("negative dimension in shape \(shape)")
        }
        let count = Tensor.elementCount(shape)
        guard values.count == count else {
            throw TensorError.shapeMismatch("\(values.count) values for shape \(shape) (\(count) elements)")
        }
        self.init(uninitializedShape: shape)
        values.withUnsafeBufferPointer { src in
            if count > 0 { storage.pointer.update(from: src.baseAddress!, count: count) }
        }
    }

    /// A tensor of `shape` whose elements `fill` writes (e.g. a weight decoded from a file).
    public init(shape: [Int], fill: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        self.init(uninitializedShape: shape)
        try fill(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }

    /// Number of elements.
    public var count: Int { Tensor.elementCount(shape) }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// The single element of a one-element tensor; throws for any other size.
    public func item() throws -> Float {
        guard count == 1 else { throw TensorError.shapeMismatch("item() of a tensor of shape \(shape)") }
        return pointer[0]
    }

    /// Read access to the elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Write access to the elements (copies first if the storage is shared). Detaches the tensor
    /// from any tape: an in-place edit cannot be differentiated.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        tracker = nil
        return try body(UnsafeMutableBufferPointer(start: mutablePointer, count: count))
    }

    /// The first element (read-only use).
    @usableFromInline var pointer: UnsafeMutablePointer<Float> { storage.pointer + offset }

    /// The first element, for writing (fresh outputs, or after `makeUnique()`).
    @usableFromInline var mutablePointer: UnsafeMutablePointer<Float> {
        mutating get { storage.pointer + offset }
    }

    /// Gives this tensor its own storage if another tensor shares it.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) || storage.count != count {
            let copy = TensorStorage(uninitializedCount: count)
            copy.pointer.update(from: pointer, count: count)
            storage = copy
            offset = 0
        }
    }

    /// True when this tensor's storage is not shared with any other tensor (so it may be updated
    /// in place).
    mutating func isUniquelyOwned() -> Bool {
        isKnownUniquelyReferenced(&storage) && storage.count == count
    }

    /// Whether a `GradientTape` records the ops applied to this tensor.
    public var isRecorded: Bool { tracker != nil }

    /// The same values, no longer linked to a tape (gradients do not flow through it).
    public func detached() -> Tensor {
        var t = self
        t.tracker = nil
        return t
    }

    /// A copy with its own storage.
    public func copy() -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        t.storage.pointer.update(from: pointer, count: count)
        t.tracker = nil
        return t
    }

    static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n *= d }
        return n
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let n = count
        let shown = UnsafeBufferPointer(start: pointer, count: Swift.min(n, 8)).map { "\($0)" }
        return "Tensor(\(shape): [\(shown.joined(separator: ", "))\(n > 8 ? ", …" : "")])"
    }
}

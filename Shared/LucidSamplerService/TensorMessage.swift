/// Tensors in the contract (lucid.v1.Tensor: shape and little-endian float32 bytes).
import Foundation
import LucidBus
import LucidProto
import LucidTensor

extension Lucid_V1_Tensor {
    /// The message of `tensor`.
    public init(_ tensor: Tensor) {
        self.init()
        shape = tensor.shape.map(Int64.init)
        data = tensor.scalars.withUnsafeBytes { Data($0) }
    }
}

extension Tensor {
    /// The tensor of `message`; INVALID_ARGUMENT when its bytes do not fit its shape.
    public init(_ message: Lucid_V1_Tensor) throws {
        let shape = message.shape.map(Int.init)
        guard shape.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }) else {
            throw RPCError(code: .invalidArgument, message: "tensor shape \(shape) has a dimension outside 1...\(1 << 20)")
        }
        let count = shape.reduce(1, *)
        guard message.data.count == count * 4 else {
            throw RPCError(code: .invalidArgument,
                           message: "tensor of shape \(shape) needs \(count * 4) bytes, got \(message.data.count)")
        }
        let values = message.data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        try self.init(shape: shape, values: values)
    }
}

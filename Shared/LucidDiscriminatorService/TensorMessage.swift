/// A `Tensor` as the contract's lucid.v1.Tensor: the shape, then little-endian float32 bytes.
import Foundation
import LucidProto
import LucidTensor

extension Lucid_V1_Tensor {
    /// The message holding `tensor`.
    init(_ tensor: Tensor) {
        self.init()
        shape = tensor.shape.map(Int64.init)
        data = tensor.withUnsafeBufferPointer { values in
            var bytes = Data(count: values.count * 4)
            bytes.withUnsafeMutableBytes { raw in
                for (i, value) in values.enumerated() {
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
            }
            return bytes
        }
    }
}

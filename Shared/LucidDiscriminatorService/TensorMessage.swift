/// A `Tensor` as the contract's lucid.v1.Tensor: the shape, then little-endian float32 bytes. Used
/// by the discriminator for latents and gradients, and by its clients (the sampler).
import Foundation
import LucidProto
import LucidTensor

extension Lucid_V1_Tensor {
    /// The message holding `tensor`.
    public init(_ tensor: Tensor) {
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

extension Tensor {
    /// The tensor `message` holds, once its byte count and values are checked.
    /// - Throws: an error naming the problem (too many elements, wrong byte count, NaN or infinity).
    public init(_ message: Lucid_V1_Tensor) throws {
        let shape = message.shape.map(Int.init)
        let (count, overflow) = shape.reduce((1, false)) { product, side in
            let (value, overflow) = product.0.multipliedReportingOverflow(by: side)
            return (value, product.1 || overflow)
        }
        guard !overflow, count <= Int.max / 4 else {
            throw ScoreRequestError("latent shape \(message.shape) has more elements than can be addressed")
        }
        guard message.data.count == count * 4 else {
            throw ScoreRequestError(
                "latent data has \(message.data.count) bytes; shape \(message.shape) needs \(count * 4) (4 per float32)")
        }
        var firstNonFinite: Int?
        let tensor = Tensor(shape: shape) { values in
            message.data.withUnsafeBytes { bytes in
                for i in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                    let value = Float(bitPattern: UInt32(littleEndian: bits))
                    if firstNonFinite == nil && !value.isFinite { firstNonFinite = i }
                    values[i] = value
                }
            }
        }
        if let index = firstNonFinite {
            throw ScoreRequestError("latent holds NaN or infinite values (the first at element \(index))")
        }
        self = tensor
    }
}

/// Between pictures and latents: the working resolution an edit runs at, VAE encoding (posterior
/// mean, times the scaling factor) and decoding back to an 8-bit image of the input's size.
import LucidImage
import LucidModels
import LucidTensor

/// The resolution an edit runs at and how it maps to the caller's image.
public struct WorkingFrame: Sendable, Equatable {
    /// The caller's image size.
    public let originalWidth: Int, originalHeight: Int
    /// The size the model sees: the longer side scaled to `side`, both rounded to `multiple`.
    public let width: Int, height: Int

    /// The frame for an image of `width`×`height` whose longer side becomes about `side`, both sides
    /// multiples of `multiple` (at least one multiple).
    public init(width: Int, height: Int, side: Int, multiple: Int) {
        originalWidth = width
        originalHeight = height
        let scale = Double(side) / Double(max(width, height))
        func fit(_ length: Int) -> Int {
            max(multiple, Int((Double(length) * scale / Double(multiple)).rounded()) * multiple)
        }
        self.width = fit(width)
        self.height = fit(height)
    }

    /// A point of the caller's image in working pixels.
    public func working(_ point: DragPoint) -> DragPoint {
        DragPoint(x: point.x * Float(width) / Float(originalWidth), y: point.y * Float(height) / Float(originalHeight))
    }
}

/// Encodes images to scaled latents and decodes them back.
public struct LatentBridge {
    public let model: EditingModel

    public init(model: EditingModel) { self.model = model }

    /// The working frame of an image of `width`×`height` (`side` nil = the model's native side).
    public func frame(width: Int, height: Int, side: Int?) -> WorkingFrame {
        WorkingFrame(width: width, height: height, side: side ?? model.nativeSide, multiple: model.sideMultiple)
    }

    /// `image` resized to the frame as `[1, 3, h, w]` in [-1, 1].
    public func pixels(_ image: RasterImage, frame: WorkingFrame) throws -> Tensor {
        let rgb = image.toRGB()
        let sized = (rgb.width, rgb.height) == (frame.width, frame.height)
            ? rgb : try rgb.resized(width: frame.width, height: frame.height, filter: .bilinear)
        let plane = frame.width * frame.height
        return Tensor(shape: [1, 3, frame.height, frame.width]) { out in
            for p in 0..<plane {
                for c in 0..<3 { out[c * plane + p] = Float(sized.pixels[p * 3 + c]) / 127.5 - 1 }
            }
        }
    }

    /// `image` at the model's native size as `[1, 3, h, w]` in [-1, 1].
    public func nativePixels(_ image: RasterImage) throws -> Tensor {
        try pixels(image, frame: frame(width: image.width, height: image.height, side: nil))
    }

    /// z₀ = E(x)·scaling factor (the posterior mean).
    public func encode(_ pixels: Tensor) throws -> Tensor {
        try model.vae.encode(pixels).mean * model.scalingFactor
    }

    /// The image of the scaled latent `z`, clamped to [-1, 1], as `[1, 3, h, w]`.
    public func decode(_ z: Tensor) throws -> Tensor {
        try model.vae.decode(z / model.scalingFactor).clamped(min: -1, max: 1)
    }

    /// A decoded `[1, 3, h, w]` tensor as an 8-bit RGB image of `width`×`height`.
    public static func image(_ pixels: Tensor, width: Int, height: Int) throws -> RasterImage {
        let h = pixels.shape[2], w = pixels.shape[3], plane = w * h
        let values = pixels.scalars
        var bytes = [UInt8](repeating: 0, count: plane * 3)
        for p in 0..<plane {
            for c in 0..<3 {
                let v = (values[c * plane + p] + 1) * 127.5
                bytes[p * 3 + c] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        let image = try RasterImage(width: w, height: h, format: .rgb, pixels: bytes)
        return (w, h) == (width, height) ? image : try image.resized(width: width, height: height, filter: .bilinear)
    }
}

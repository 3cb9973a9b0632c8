/// `Downsample2D` and `Upsample2D`: the resolution changes between UNet/VAE blocks (diffusers
/// `Downsample2D` with a stride-2 convolution, `Upsample2D` with nearest 2× then a convolution).
import LucidTensor

/// Halves the resolution with a stride-2 3×3 convolution (`downsamplers.0.conv`).
public final class Downsample2D: Module {
    @Child public var conv: Conv2d

    /// `padding` 1 pads every side (UNet); 0 pads right and bottom by one (the VAE's `F.pad(0,1,0,1)`).
    public init(channels: Int, padding: Int) {
        super.init()
        let pad = padding == 0 ? Padding2D(top: 0, bottom: 1, left: 0, right: 1) : Padding2D(padding)
        conv = Conv2d(channels, channels, kernel: 3, stride: 2, padding: pad)
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try conv(x)
    }
}

/// Doubles the resolution by nearest-neighbour repetition, then a 3×3 convolution (`upsamplers.0.conv`).
public final class Upsample2D: Module {
    @Child public var conv: Conv2d

    public init(channels: Int) {
        super.init()
        conv = Conv2d(channels, channels, kernel: 3, padding: 1)
    }

    /// `x` upsampled 2× — or, when `size` is given (odd-sized skip connections), to exactly `size`.
    public func callAsFunction(_ x: Tensor, size: (height: Int, width: Int)? = nil) throws -> Tensor {
        let upsampled: Tensor
        if let size, x.rank == 4, size != (2 * x.shape[2], 2 * x.shape[3]) {
            upsampled = try resize(x, height: size.height, width: size.width, mode: .nearest)
        } else {
            upsampled = try upsampleNearest2x(x)
        }
        return try conv(upsampled)
    }
}

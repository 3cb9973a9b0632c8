/// `Conv2d`: a 2-D convolution layer (PyTorch `nn.Conv2d`, groups = 1), weight `[out, in, kh, kw]`.
import LucidTensor

/// A square-kernel convolution with a fixed stride and padding.
public final class Conv2d: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor?
    /// Stride of the kernel over both axes.
    public let stride: Int
    /// Zero padding added around the input (asymmetric for the VAE's downsamplers).
    public let padding: Padding2D
    /// The weight as the direct convolution packs it, kept between calls.
    private let kernels = ConvKernelCache()

    /// A layer mapping `inputs` channels to `outputs` with a `kernel`×`kernel` kernel.
    public init(_ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1, padding: Padding2D = Padding2D(0),
                bias: Bool = true) {
        self.stride = stride
        self.padding = padding
        super.init()
        self.weight = Tensor(zeros: [outputs, inputs, kernel, kernel])
        self.bias = bias ? Tensor(zeros: [outputs]) : nil
    }

    /// A layer with the same padding on every side.
    public convenience init(_ inputs: Int, _ outputs: Int, kernel: Int, stride: Int = 1, padding: Int) {
        self.init(inputs, outputs, kernel: kernel, stride: stride, padding: Padding2D(padding))
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, kernels: kernels)
    }
}

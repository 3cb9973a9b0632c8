/// AlphaHandling: what decoding does with an alpha channel, since RasterImage has none.

/// How a decoder turns grey+alpha or RGBA pixels into grey or RGB.
public enum AlphaHandling: Sendable, Equatable {
    /// Blend every pixel over a solid background colour (given as grey level for grey images
    /// and as the mean of its channels when the image is grey).
    case composite(over: RGB)
    /// Keep the colour samples and discard alpha.
    case discard

    /// Compositing over white, the usual reading of transparent image areas.
    public static let overWhite = AlphaHandling.composite(over: RGB(255, 255, 255))
}

/// An 8-bit RGB colour.
public struct RGB: Sendable, Equatable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }
}

extension AlphaHandling {
    /// Removes the alpha channel from interleaved grey+alpha (2) or RGBA (4) samples.
    func flatten(_ samples: UnsafeBufferPointer<UInt8>, pixelCount: Int, channels: Int) -> [UInt8] {
        let colourChannels = channels - 1
        var out = [UInt8](repeating: 0, count: pixelCount * colourChannels)
        let background: [Int]
        switch self {
        case .composite(let colour):
            let rgb = [Int(colour.red), Int(colour.green), Int(colour.blue)]
            background = colourChannels == 1 ? [(rgb[0] + rgb[1] + rgb[2]) / 3] : rgb
        case .discard:
            background = []
        }
        for i in 0..<pixelCount {
            let alpha = Int(samples[i * channels + colourChannels])
            for c in 0..<colourChannels {
                let value = Int(samples[i * channels + c])
                if background.isEmpty {
                    out[i * colourChannels + c] = UInt8(value)
                } else {
                    out[i * colourChannels + c] = UInt8((value * alpha + background[c] * (255 - alpha) + 127) / 255)
                }
            }
        }
        return out
    }
}

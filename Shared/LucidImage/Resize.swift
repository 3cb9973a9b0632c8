/// Resize: nearest-neighbour and bilinear resampling of RasterImage (pixel centres aligned, as in
/// PyTorch's `interpolate(..., align_corners=False)`).

/// How resizing picks or blends source pixels.
public enum ResizeFilter: Sendable {
    /// The source pixel whose centre is nearest; right for masks and labels.
    case nearest
    /// Linear in both directions between the four nearest source pixels.
    case bilinear
}

extension RasterImage {
    /// The image resampled to `width` × `height`.
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter) throws -> RasterImage {
        guard newWidth > 0, newHeight > 0 else {
            throw ImageError.invalidDimensions(width: newWidth, height: newHeight)
        }
        if newWidth == width, newHeight == height { return self }
        let c = channels
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * c)
        let scaleX = Double(width) / Double(newWidth), scaleY = Double(height) / Double(newHeight)
        switch filter {
        case .nearest:
            for y in 0..<newHeight {
                let sy = min(height - 1, Int(Double(y) * scaleY))
                for x in 0..<newWidth {
                    let sx = min(width - 1, Int(Double(x) * scaleX))
                    for k in 0..<c { out[(y * newWidth + x) * c + k] = pixels[(sy * width + sx) * c + k] }
                }
            }
        case .bilinear:
            for y in 0..<newHeight {
                let fy = max(0, (Double(y) + 0.5) * scaleY - 0.5)
                let y0 = min(height - 1, Int(fy)), y1 = min(height - 1, y0 + 1), wy = fy - Double(y0)
                for x in 0..<newWidth {
                    let fx = max(0, (Double(x) + 0.5) * scaleX - 0.5)
                    let x0 = min(width - 1, Int(fx)), x1 = min(width - 1, x0 + 1), wx = fx - Double(x0)
                    for k in 0..<c {
                        let top = Double(pixels[(y0 * width + x0) * c + k]) * (1 - wx)
                            + Double(pixels[(y0 * width + x1) * c + k]) * wx
                        let bottom = Double(pixels[(y1 * width + x0) * c + k]) * (1 - wx)
                            + Double(pixels[(y1 * width + x1) * c + k]) * wx
                        out[(y * newWidth + x) * c + k] = UInt8(min(255, max(0, (top * (1 - wy) + bottom * wy).rounded())))
                    }
                }
            }
        }
        return RasterImage(unchecked: newWidth, newHeight, format, out)
    }
}

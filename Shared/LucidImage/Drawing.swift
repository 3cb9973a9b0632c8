/// Drawing: marks on a RasterImage — pixels, rectangles, dots, lines, drag arrows, text in the 5×7
/// BitmapFont — and images placed side by side. Everything is clipped to the image; on a grey image
/// a colour is drawn as its luma.

extension RasterImage {
    /// A width × height image filled with `colour`, in RGB.
    public init(width: Int, height: Int, colour: RGB) throws {
        try self.init(width: width, height: height, format: .rgb, fill: [colour.red, colour.green, colour.blue])
    }

    /// The colour at column `x`, row `y` (grey replicated to three channels).
    public func colour(x: Int, y: Int) -> RGB {
        format == .grey ? RGB(self[x, y, 0], self[x, y, 0], self[x, y, 0]) : RGB(self[x, y, 0], self[x, y, 1], self[x, y, 2])
    }

    /// Sets the pixel at column `x`, row `y` to `colour`; does nothing outside the image.
    public mutating func plot(x: Int, y: Int, _ colour: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        switch format {
        case .rgb:
            self[x, y, 0] = colour.red
            self[x, y, 1] = colour.green
            self[x, y, 2] = colour.blue
        case .grey:
            let luma: Int = 299 * Int(colour.red) + 587 * Int(colour.green) + 114 * Int(colour.blue)
            self[x, y, 0] = UInt8((luma + 500) / 1000)
        }
    }

    /// Fills the rectangle with top-left corner (`x`, `y`) and the given size.
    public mutating func fillRectangle(x: Int, y: Int, width: Int, height: Int, _ colour: RGB) {
        let top = max(0, y), bottom = max(top, min(self.height, y + height))
        let left = max(0, x), right = max(left, min(self.width, x + width))
        for row in top..<bottom {
            for column in left..<right { plot(x: column, y: row, colour) }
        }
    }

    /// Fills the disc of `radius` around the pixel nearest (`x`, `y`): every pixel whose distance to
    /// it is at most `radius`.
    public mutating func fillDot(x: Double, y: Double, radius: Double, _ colour: RGB) {
        let centreX = Int(x.rounded()), centreY = Int(y.rounded()), reach = Int(radius)
        for dy in -reach...reach {
            for dx in -reach...reach where Double(dx * dx + dy * dy) <= radius * radius {
                plot(x: centreX + dx, y: centreY + dy, colour)
            }
        }
    }

    /// Draws the straight line between the pixels nearest the two points (Bresenham), `thickness`
    /// pixels wide as a square brush centred on each of its pixels.
    public mutating func drawLine(
        from start: (x: Double, y: Double), to end: (x: Double, y: Double), thickness: Int = 1, _ colour: RGB
    ) {
        var x = Int(start.x.rounded()), y = Int(start.y.rounded())
        let endX = Int(end.x.rounded()), endY = Int(end.y.rounded())
        let dx = abs(endX - x), dy = -abs(endY - y)
        let stepX = x < endX ? 1 : -1, stepY = y < endY ? 1 : -1
        var error = dx + dy
        let offset = (max(1, thickness) - 1) / 2
        while true {
            fillRectangle(x: x - offset, y: y - offset, width: max(1, thickness), height: max(1, thickness), colour)
            if x == endX && y == endY { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// Draws a drag: the line from `handle` to `target`, then a dot of `dotRadius` on each end.
    public mutating func drawDrag(
        from handle: (x: Double, y: Double), to target: (x: Double, y: Double), dotRadius: Double,
        thickness: Int = 1, line: RGB, handleDot: RGB, targetDot: RGB
    ) {
        drawLine(from: handle, to: target, thickness: thickness, line)
        fillDot(x: handle.x, y: handle.y, radius: dotRadius, handleDot)
        fillDot(x: target.x, y: target.y, radius: dotRadius, targetDot)
    }

    /// Draws `text` on one line in the 5×7 bitmap font, its top-left corner at (`x`, `y`), each font
    /// pixel a `scale` × `scale` square. Characters outside printable ASCII draw as "?".
    public mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 1, _ colour: RGB) {
        for (index, character) in text.enumerated() {
            let left = x + index * BitmapFont.advance * scale
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth where BitmapFont.isInk(character, x: column, y: row) {
                    fillRectangle(x: left + column * scale, y: y + row * scale, width: scale, height: scale, colour)
                }
            }
        }
    }

    /// Copies `image` onto this one with its top-left corner at (`x`, `y`), clipped.
    public mutating func paste(_ image: RasterImage, x: Int, y: Int) {
        for row in 0..<image.height {
            for column in 0..<image.width { plot(x: x + column, y: y + row, image.colour(x: column, y: row)) }
        }
    }

    /// The images in a row, top-aligned, `gap` pixels apart, on `background` (in RGB).
    public static func sideBySide(_ images: [RasterImage], gap: Int, background: RGB) throws -> RasterImage {
        let width = images.map(\.width).reduce(0, +) + gap * max(0, images.count - 1)
        var row = try RasterImage(width: width, height: images.map(\.height).max() ?? 0, colour: background)
        var left = 0
        for image in images {
            row.paste(image, x: left, y: 0)
            left += image.width + gap
        }
        return row
    }
}

/// HandleMarker: the picture the vision locator sees — the image with everything outside the editable
/// mask dimmed and a contrasting ring drawn around each handle, scaled down to a bounded size.
import Foundation
import LucidImage

/// Draws the handles onto the image for a vision model.
public struct HandleMarker: Sendable {
    /// The longest side of the picture sent.
    public var maximumSide = 768
    /// Outside the mask, pixels keep this fraction of their brightness.
    public var dimming = 0.45

    public init() {}

    /// The marked picture and the name of the marker colour used (for the prompt).
    public func mark(_ input: ReasoningInput) throws -> (image: RasterImage, markerName: String) {
        var picture = input.image
        for i in 0..<(picture.width * picture.height) where !input.mask.values[i] {
            for c in 0..<3 { picture.pixels[3 * i + c] = UInt8(Double(picture.pixels[3 * i + c]) * dimming) }
        }
        let (marker, name) = markerColour(for: input)
        let radius = max(3.0, Double(min(picture.width, picture.height)) / 40)
        for pair in input.pairs {
            drawRing(on: &picture, centre: pair.handle, radius: radius, thickness: max(1, radius / 3), colour: marker)
        }
        let side = max(picture.width, picture.height)
        if side > maximumSide {
            let scale = Double(maximumSide) / Double(side)
            picture = try picture.resized(width: max(1, Int(Double(picture.width) * scale)),
                                          height: max(1, Int(Double(picture.height) * scale)), filter: .bilinear)
        }
        return (picture, name)
    }

    /// Magenta, unless the region around the first handle is itself magenta-ish; then green.
    private func markerColour(for input: ReasoningInput) -> (RGB, String) {
        let x = Int(input.pairs[0].handle.x), y = Int(input.pairs[0].handle.y)
        let i = (y * input.image.width + x) * 3
        let here = RGB(input.image.pixels[i], input.image.pixels[i + 1], input.image.pixels[i + 2])
        let magenta = RGB(255, 0, 255)
        return NamedColours.distance(here, magenta) > 150 ? (magenta, "magenta") : (RGB(0, 255, 0), "bright green")
    }

    private func drawRing(on image: inout RasterImage, centre: PixelPoint, radius: Double, thickness: Double, colour: RGB) {
        let reach = Int((radius + thickness).rounded(.up))
        let cx = Int(centre.x.rounded()), cy = Int(centre.y.rounded())
        for y in max(0, cy - reach)...min(image.height - 1, cy + reach) {
            for x in max(0, cx - reach)...min(image.width - 1, cx + reach) {
                let d = PixelPoint(x: Double(x) - centre.x, y: Double(y) - centre.y).length
                guard abs(d - radius) <= thickness / 2 else { continue }
                let i = (y * image.width + x) * 3
                image.pixels[i] = colour.red
                image.pixels[i + 1] = colour.green
                image.pixels[i + 2] = colour.blue
            }
        }
    }
}

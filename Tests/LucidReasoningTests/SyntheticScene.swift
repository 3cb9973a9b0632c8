/// SyntheticScene: small test pictures — flat background, one or two solid shapes — and the requests
/// built from them.
import Foundation
import LucidImage
import LucidProto
@testable import LucidReasoning

struct SyntheticScene {
    var width = 128
    var height = 128
    var background = RGB(200, 200, 200)
    var shapes: [(shape: ShapeName, colour: RGB, cx: Double, cy: Double, radius: Double)] = []

    static let red = RGB(220, 40, 40)
    static let blue = RGB(40, 80, 220)

    func contains(_ shape: ShapeName, _ cx: Double, _ cy: Double, _ r: Double, _ x: Double, _ y: Double) -> Bool {
        let u = (x - cx) / r, v = (y - cy) / r
        switch shape {
        case .circle, .object: return u * u + v * v <= 1
        case .ring: return u * u + v * v <= 1 && u * u + v * v >= 0.55 * 0.55
        case .ellipse: return u * u + (v / 0.6) * (v / 0.6) <= 1
        case .square: return abs(u) <= 0.88 && abs(v) <= 0.88
        case .triangle: return inside(u, v, (0..<3).map { angleVertex(-90 + 120 * Double($0), 1) })
        case .star:
            let vertices = (0..<10).map { angleVertex(-90 + 36 * Double($0), $0 % 2 == 0 ? 1 : 0.45) }
            return inside(u, v, vertices)
        }
    }

    private func angleVertex(_ degrees: Double, _ r: Double) -> (Double, Double) {
        (r * cos(degrees * .pi / 180), r * sin(degrees * .pi / 180))
    }

    private func inside(_ u: Double, _ v: Double, _ polygon: [(Double, Double)]) -> Bool {
        var result = false
        for i in polygon.indices {
            let (x0, y0) = polygon[i], (x1, y1) = polygon[(i + 1) % polygon.count]
            if (y0 > v) != (y1 > v), u < x0 + (v - y0) * (x1 - x0) / (y1 - y0) { result.toggle() }
        }
        return result
    }

    func image() throws -> RasterImage {
        var image = try RasterImage(width: width, height: height, format: .rgb, fill: [background.red, background.green, background.blue])
        for s in shapes {
            for y in 0..<height {
                for x in 0..<width where contains(s.shape, s.cx, s.cy, s.radius, Double(x), Double(y)) {
                    image[x, y, 0] = s.colour.red
                    image[x, y, 1] = s.colour.green
                    image[x, y, 2] = s.colour.blue
                }
            }
        }
        return image
    }

    /// A mask: the disc of radius `radius` around (cx, cy).
    func mask(cx: Double, cy: Double, radius: Double) -> BinaryMask {
        var mask = BinaryMask(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width where (Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy) <= radius * radius {
                mask[x, y] = true
            }
        }
        return mask
    }

    /// A scene with one red circle of radius 12 at (64, 64).
    static var redCircle: SyntheticScene {
        SyntheticScene(shapes: [(.circle, red, 64, 64, 12)])
    }

    /// The input for drags on the first shape, with a mask covering it generously.
    func input(_ pairs: [DragPair], caption: String = "", count: Int = 3) throws -> ReasoningInput {
        let s = shapes[0]
        return try ReasoningInput(image: image(), mask: mask(cx: s.cx, cy: s.cy, radius: s.radius * 2.2), pairs: pairs, caption: caption, count: count)
    }
}

func drag(_ hx: Double, _ hy: Double, _ tx: Double, _ ty: Double) -> DragPair {
    DragPair(handle: PixelPoint(x: hx, y: hy), target: PixelPoint(x: tx, y: ty))
}

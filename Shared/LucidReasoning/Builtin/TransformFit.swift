/// TransformFit: each intention kind read as a transformation about the object's centre, fitted to the
/// drag pairs by least squares — move (translation), enlarge/shrink (uniform scale), stretch (scale along
/// one axis), rotate (rotation) — with the worst handle's distance from its target as the residual.
import Foundation
import LucidProto

/// One kind's best explanation of the drags.
public struct TransformFit: Sendable, Equatable {
    public let kind: Lucid_V1_IntentionKind
    /// The fitted parameter: translation length (move), scale (enlarge, shrink), axis factor (stretch),
    /// angle in degrees, positive = clockwise on screen (rotate).
    public let parameter: Double
    /// The fitted translation (move only; zero otherwise).
    public let translation: PixelPoint
    /// Largest distance, in pixels, between a transformed handle and its target.
    public let residual: Double

    /// The fitted transform about `centre` as a 2×3 affine map of image pixels (row-major: content at
    /// (x, y) goes to (w0·x + w1·y + w2, w3·x + w4·y + w5)), its parameter kept on its kind's side of
    /// no change (an enlarge never shrinks); nil for deform, which no affine map describes.
    public func warp(about centre: PixelPoint) -> [Double]? {
        func about(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> [Double] {
            [a, b, centre.x - a * centre.x - b * centre.y, c, d, centre.y - c * centre.x - d * centre.y]
        }
        switch kind {
        case .move: return [1, 0, translation.x, 0, 1, translation.y]
        case .enlarge: return about(max(1, parameter), 0, 0, max(1, parameter))
        case .shrink:
            let scale = min(1, max(0.05, parameter))
            return about(scale, 0, 0, scale)
        case .stretchHorizontal: return about(max(0.05, parameter), 0, 0, 1)
        case .stretchVertical: return about(1, 0, 0, max(0.05, parameter))
        case .rotate:
            let angle = parameter * .pi / 180
            return about(cos(angle), -sin(angle), sin(angle), cos(angle))
        default: return nil
        }
    }

    /// Fits every geometric kind (all but deform) to `pairs` about `centre`.
    public static func fitAll(pairs: [DragPair], centre: PixelPoint) -> [TransformFit] {
        [move(pairs), scale(pairs, centre, .enlarge), scale(pairs, centre, .shrink),
         stretch(pairs, centre, horizontal: true), stretch(pairs, centre, horizontal: false), rotate(pairs, centre)]
    }

    static func move(_ pairs: [DragPair]) -> TransformFit {
        let n = Double(pairs.count)
        let d = PixelPoint(x: pairs.map(\.displacement.x).reduce(0, +) / n, y: pairs.map(\.displacement.y).reduce(0, +) / n)
        let residual = pairs.map { ($0.handle + d - $0.target).length }.max() ?? 0
        return TransformFit(kind: .move, parameter: d.length, translation: d, residual: residual)
    }

    static func scale(_ pairs: [DragPair], _ c: PixelPoint, _ kind: Lucid_V1_IntentionKind) -> TransformFit {
        var num = 0.0, den = 0.0
        for p in pairs {
            let h = p.handle - c, t = p.target - c
            num += h.x * t.x + h.y * t.y
            den += h.x * h.x + h.y * h.y
        }
        let s = num / max(den, 1e-9)
        let residual = pairs.map { p -> Double in
            let h = p.handle - c
            return (c + PixelPoint(x: s * h.x, y: s * h.y) - p.target).length
        }.max() ?? 0
        return TransformFit(kind: kind, parameter: s, translation: PixelPoint(x: 0, y: 0), residual: residual)
    }

    static func stretch(_ pairs: [DragPair], _ c: PixelPoint, horizontal: Bool) -> TransformFit {
        var num = 0.0, den = 0.0
        for p in pairs {
            let h = horizontal ? p.handle.x - c.x : p.handle.y - c.y
            let t = horizontal ? p.target.x - c.x : p.target.y - c.y
            num += h * t
            den += h * h
        }
        let f = num / max(den, 1e-9)
        let residual = pairs.map { p -> Double in
            let predicted = horizontal
                ? PixelPoint(x: c.x + f * (p.handle.x - c.x), y: p.handle.y)
                : PixelPoint(x: p.handle.x, y: c.y + f * (p.handle.y - c.y))
            return (predicted - p.target).length
        }.max() ?? 0
        return TransformFit(kind: horizontal ? .stretchHorizontal : .stretchVertical, parameter: f,
                            translation: PixelPoint(x: 0, y: 0), residual: residual)
    }

    static func rotate(_ pairs: [DragPair], _ c: PixelPoint) -> TransformFit {
        var crossSum = 0.0, dotSum = 0.0
        for p in pairs {
            let h = p.handle - c, t = p.target - c
            crossSum += h.x * t.y - h.y * t.x
            dotSum += h.x * t.x + h.y * t.y
        }
        let angle = atan2(crossSum, dotSum)
        let (cosA, sinA) = (cos(angle), sin(angle))
        let residual = pairs.map { p -> Double in
            let h = p.handle - c
            return (c + PixelPoint(x: cosA * h.x - sinA * h.y, y: sinA * h.x + cosA * h.y) - p.target).length
        }.max() ?? 0
        return TransformFit(kind: .rotate, parameter: angle * 180 / .pi, translation: PixelPoint(x: 0, y: 0), residual: residual)
    }
}

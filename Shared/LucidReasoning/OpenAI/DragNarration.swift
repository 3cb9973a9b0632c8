/// DragNarration: the drag geometry in words for a language model — where each handle sits on the
/// object (centre or boundary, which side) and how it moves relative to the centre (outward, inward,
/// around), with the raw numbers.
import Foundation

/// Describes drags relative to a located object.
public enum DragNarration {
    /// One line per pair, numbered from 1.
    public static func lines(pairs: [DragPair], region: Region) -> [String] {
        let c = region.centroid
        return pairs.enumerated().map { index, pair in
            let offset = pair.handle - c
            let reach = offset.length / max(region.extent(towards: offset), 1)
            let d = pair.displacement
            let placement: String
            if offset.length < 1 || reach < 0.35 {
                placement = "near the object's centre"
            } else if reach < 0.75 {
                placement = "inside the object, towards its \(side(offset)) side"
            } else if reach <= 1.3 {
                placement = "on the object's \(side(offset)) boundary"
            } else {
                placement = "outside the object, beyond its \(side(offset)) side"
            }
            var motion = ""
            if offset.length >= 1 {
                let u = PixelPoint(x: offset.x / offset.length, y: offset.y / offset.length)
                let radial = (d.x * u.x + d.y * u.y) / d.length
                let tangential = (u.x * d.y - u.y * d.x) / d.length
                let word = radial > 0.7 ? "outward from the centre" : radial < -0.7 ? "inward towards the centre"
                    : abs(tangential) > 0.7 ? (tangential > 0 ? "around the centre, clockwise" : "around the centre, counterclockwise")
                    : "partly outward/inward and partly around the centre"
                motion = String(format: ", mostly %@ (radial %.2f, tangential %.2f)", word, radial, tangential)
            }
            return String(format: "%d. handle (%.1f, %.1f) → target (%.1f, %.1f): the handle is %@ (%.2f of the way out); the drag is %.1f px%@; dx = %+.1f, dy = %+.1f",
                          index + 1, pair.handle.x, pair.handle.y, pair.target.x, pair.target.y, placement, reach, d.length, motion, d.x, d.y)
        }
    }

    /// "right", "top left", ….
    static func side(_ offset: PixelPoint) -> String {
        let horizontal = offset.x > 0 ? "right" : "left"
        let vertical = offset.y > 0 ? "bottom" : "top"
        if abs(offset.x) > 2 * abs(offset.y) { return horizontal }
        if abs(offset.y) > 2 * abs(offset.x) { return vertical }
        return "\(vertical) \(horizontal)"
    }
}

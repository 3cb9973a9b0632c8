/// NamedColours: the nearest colour name for an RGB value (the demo world's palette plus common names).
import LucidImage

/// A small palette of colour names with representative sRGB values.
public enum NamedColours {
    /// Name → representative colour. The first eleven are the demo world's object colours.
    public static let palette: [(name: String, colour: RGB)] = [
        ("red", RGB(220, 40, 40)), ("green", RGB(40, 170, 60)), ("blue", RGB(40, 80, 220)),
        ("yellow", RGB(240, 220, 40)), ("orange", RGB(245, 140, 30)), ("purple", RGB(140, 60, 190)),
        ("pink", RGB(245, 130, 190)), ("cyan", RGB(40, 210, 220)), ("white", RGB(250, 250, 250)),
        ("black", RGB(25, 25, 25)), ("brown", RGB(130, 80, 40)),
        ("gray", RGB(128, 128, 128)), ("dark red", RGB(130, 20, 20)), ("dark green", RGB(20, 90, 30)),
        ("navy", RGB(20, 30, 110)), ("light blue", RGB(150, 190, 240)), ("olive", RGB(120, 120, 30)),
        ("teal", RGB(20, 120, 120)), ("magenta", RGB(220, 40, 200)), ("beige", RGB(225, 210, 180)),
    ]

    /// The palette name nearest to `colour` (Euclidean distance in sRGB).
    public static func name(of colour: RGB) -> String {
        var best = palette[0].name
        var bestDistance = Double.infinity
        for entry in palette {
            let d = distance(colour, entry.colour)
            if d < bestDistance {
                bestDistance = d
                best = entry.name
            }
        }
        return best
    }

    /// Euclidean distance between two colours.
    public static func distance(_ a: RGB, _ b: RGB) -> Double {
        let dr = Double(a.red) - Double(b.red), dg = Double(a.green) - Double(b.green), db = Double(a.blue) - Double(b.blue)
        return (dr * dr + dg * dg + db * db).squareRoot()
    }
}

/// PromptWriter: source and target prompts by editing the caption — the dragged object's phrase is
/// found ("a large red circle") and rewritten for the intention ("a medium red circle") — or, without a
/// caption, by editing the locator's description; plus the short description people read.
/// The target prompt is the caption as it should read after the edit, so only what a caption names
/// changes it: the size word of the resized object (from the fitted scale, on the same bounds the
/// locator uses, so a large circle shrunk to 0.6 reads "medium", not "small"; no word change, no prompt
/// change), and a stretched circle becomes an ellipse with the size word the locator would give it (a
/// medium circle stretched to twice its width is a large ellipse). Any other stretched shape keeps its
/// words: "a large ring" pulled a stretched ring back to a round one. A move, rotation or deformation leaves the caption
/// as it was (as the demo world's own captions do): the drag guidance carries the geometry, and prompts a
/// text encoder never saw ("moved to the right") do not pull the image off course.
import Foundation
import LucidProto

/// Writes the prompts and description of one intention.
public struct PromptWriter: Sendable {
    public init() {}

    /// The (source prompt, target prompt, description) for `kind` on the described object.
    public func write(kind: Lucid_V1_IntentionKind, object: RegionDescription, fit: TransformFit?, caption: String,
                      dragDirection: PixelPoint) -> (source: String, target: String, description: String) {
        let description = describe(kind: kind, object: object, fit: fit, dragDirection: dragDirection)
        let edited = editedPhrase(kind: kind, object: object, fit: fit)
        guard !caption.isEmpty else {
            return (object.indefinitePhrase, edited ?? object.indefinitePhrase, description)
        }
        if let range = objectPhraseRange(in: caption, object: object) {
            return (caption, edited.map { caption.replacingCharacters(in: range, with: $0) } ?? caption, description)
        }
        // A caption that does not name the object ("a photo of a toy") says what changed.
        switch kind {
        case .enlarge: return (caption, "\(caption), with \(object.definitePhrase) enlarged", description)
        case .shrink: return (caption, "\(caption), with \(object.definitePhrase) shrunk", description)
        default: return (caption, edited.map { "\(caption), with \(object.definitePhrase) now \($0)" } ?? caption, description)
        }
    }

    /// Where the caption names the object: "a|an|the [size] colour shape", else "… colour <noun>".
    func objectPhraseRange(in caption: String, object: RegionDescription) -> Range<String.Index>? {
        let colour = NSRegularExpression.escapedPattern(for: object.colour)
        let size = "(?:(?:tiny|small|medium|large|huge|big)\\s+)?"
        var patterns = ["\\b(?:a|an|the)\\s+\(size)\(colour)\\s+\(object.shape.rawValue)s?\\b"]
        patterns.append("\\b(?:a|an|the)\\s+\(size)\(colour)\\s+[a-z]+\\b")
        for pattern in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            if let match = regex.firstMatch(in: caption, range: NSRange(caption.startIndex..., in: caption)),
               let range = Range(match.range, in: caption) {
                return range
            }
        }
        return nil
    }

    /// The object's phrase as it should read after the edit, or nil when a caption would not change.
    func editedPhrase(kind: Lucid_V1_IntentionKind, object: RegionDescription, fit: TransformFit?) -> String? {
        switch kind {
        case .enlarge, .shrink:
            let size = resizedWord(kind: kind, object: object, scale: fit?.parameter)
            return size == object.size ? nil : withArticle("\(size) \(object.noun)")
        case .stretchHorizontal where object.shape == .circle, .stretchVertical where object.shape == .circle:
            // The size word the locator would give the stretched circle, an ellipse of the same area
            // (without a fitted factor, the circle's).
            var size = object.size
            if let factor = fit?.parameter, factor.isFinite {
                let area = min(max(factor, 0.05), 20) * ShapeName.circle.unitFilledArea / ShapeName.ellipse.unitFilledArea
                size = RegionDescription.sizeWord(radius: object.radius * area.squareRoot(), imageSide: object.imageSide)
            }
            return withArticle("\(size) \(object.colour) \(ShapeName.ellipse.rawValue)")
        default: return nil
        }
    }

    /// The size word after scaling the object by `scale` (never smaller for enlarge, never larger for
    /// shrink); without a fit, one word up (enlarge) or down (shrink).
    func resizedWord(kind: Lucid_V1_IntentionKind, object: RegionDescription, scale: Double?) -> String {
        if let scale, scale.isFinite, scale > 0 {
            let directed = kind == .enlarge ? max(scale, 1) : min(scale, 1)
            return RegionDescription.sizeWord(radius: object.radius * directed, imageSide: object.imageSide)
        }
        let words = ["small", "medium", "large"]
        let index = words.firstIndex(of: object.size) ?? 1
        return words[min(max(index + (kind == .enlarge ? 1 : -1), 0), words.count - 1)]
    }

    /// "enlarge the red circle", "move the red circle to the right", ….
    func describe(kind: Lucid_V1_IntentionKind, object: RegionDescription, fit: TransformFit?, dragDirection: PixelPoint) -> String {
        let the = "the \(object.noun)"
        switch kind {
        case .enlarge: return "enlarge \(the)"
        case .shrink: return "shrink \(the)"
        case .move: return "move \(the) \(directionWords(fit?.translation ?? dragDirection))"
        case .stretchHorizontal: return (fit?.parameter ?? 2) < 1 ? "squash \(the) horizontally" : "stretch \(the) horizontally"
        case .stretchVertical: return (fit?.parameter ?? 2) < 1 ? "squash \(the) vertically" : "stretch \(the) vertically"
        case .rotate: return "rotate \(the) \((fit?.parameter ?? 0) >= 0 ? "clockwise" : "counterclockwise")"
        default: return "deform \(the), pulling it \(directionWords(dragDirection))"
        }
    }

    /// "to the right", "up", "down and to the left", ….
    func directionWords(_ d: PixelPoint) -> String {
        let horizontal = d.x >= 0 ? "to the right" : "to the left"
        let vertical = d.y >= 0 ? "down" : "up"
        if abs(d.x) > 2 * abs(d.y) { return horizontal }
        if abs(d.y) > 2 * abs(d.x) { return vertical }
        return "\(vertical) and \(horizontal)"
    }
}

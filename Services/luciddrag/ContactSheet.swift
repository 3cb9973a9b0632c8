// The contact sheet of one drag edit: the input with its drags drawn as arrows, then each edit in
// rank order, labelled with its rank, kind, confidence, description and quality logit (or why it failed).
import Foundation
import LucidBus
import LucidImage
import LucidProto
import LucidReasoning

/// Renders `sheet.png`.
enum ContactSheet {
    private static let background = RGB(255, 255, 255)
    private static let ink = RGB(20, 20, 20)
    private static let failedInk = RGB(180, 20, 20)
    private static let failedTile = RGB(225, 225, 225)
    private static let dragLine = RGB(255, 200, 0)
    private static let handleDot = RGB(230, 30, 30)
    private static let targetDot = RGB(30, 90, 230)
    private static let margin = 8
    private static let textLines = 6
    /// Images are enlarged by a whole factor until they are at least this wide.
    private static let minimumTileWidth = 256

    /// The sheet: one tile for the input and one per edit, side by side, text under each picture.
    static func render(input: RasterImage, pairs: [Lucid_V1_PointPair], edits: [Lucid_V1_RankedEdit]) throws -> RasterImage {
        let scale = max(1, (minimumTileWidth + input.width - 1) / input.width)
        let width = input.width * scale, height = input.height * scale

        var picture = try input.resized(width: width, height: height, filter: .nearest)
        for pair in pairs {
            picture.drawDrag(
                from: point(pair.handle, scale), to: point(pair.target, scale), dotRadius: Double(scale) + 1.5,
                thickness: max(1, scale / 2 + 1), line: dragLine, handleDot: handleDot, targetDot: targetDot)
        }
        let drags = pairs.count == 1 ? "1 drag" : "\(pairs.count) drags"
        var tiles = [try tile(picture, lines: ["input", "\(drags): red handle to blue target"], colour: ink)]
        for edit in edits {
            tiles.append(try editTile(edit, width: width, height: height))
        }
        let row = try RasterImage.sideBySide(tiles, gap: margin, background: background)
        var sheet = try RasterImage(width: row.width + 2 * margin, height: row.height + 2 * margin, colour: background)
        sheet.paste(row, x: margin, y: margin)
        return sheet
    }

    private static func editTile(_ edit: Lucid_V1_RankedEdit, width: Int, height: Int) throws -> RasterImage {
        let intention = edit.intention
        let heading = String(format: "#%d %@  confidence %.2f", edit.rank, intention.kind.wireName, intention.confidence)
        guard edit.succeeded else {
            let picture = try RasterImage(width: width, height: height, colour: failedTile)
            return try tile(picture, lines: [heading, intention.description_p, "failed: \(edit.status.code.name)", edit.status.message],
                            colour: failedInk)
        }
        let image = try RasterImage(edit.image)
        let picture = try image.resized(width: width, height: height, filter: .nearest)
        let quality = edit.qualityLogit.isFinite ? String(format: "quality logit %.2f", edit.qualityLogit) : "quality not scored"
        return try tile(picture, lines: [heading, intention.description_p, quality], colour: ink)
    }

    /// The picture with `lines` wrapped under it in the bitmap font.
    private static func tile(_ picture: RasterImage, lines: [String], colour: RGB) throws -> RasterImage {
        let wrapped = Array(lines.flatMap { wrap($0, width: picture.width) }.prefix(textLines))
        var tile = try RasterImage(
            width: picture.width, height: picture.height + margin / 2 + textLines * BitmapFont.lineHeight, colour: background)
        tile.paste(picture, x: 0, y: 0)
        for (index, line) in wrapped.enumerated() {
            tile.drawText(line, x: 0, y: picture.height + margin / 2 + index * BitmapFont.lineHeight, colour)
        }
        return tile
    }

    /// `text` broken at spaces into lines that fit `width` pixels (a word longer than a line is cut).
    private static func wrap(_ text: String, width: Int) -> [String] {
        let perLine = max(1, (width + 1) / BitmapFont.advance)
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.count <= perLine {
                current = candidate
            } else {
                if !current.isEmpty { lines.append(current) }
                current = String(word.prefix(perLine))
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    private static func point(_ point: Lucid_V1_Point, _ scale: Int) -> (x: Double, y: Double) {
        (Double(point.x) * Double(scale), Double(point.y) * Double(scale))
    }
}

/// The picture grid of the edit benchmark: one line per task — the input with its drags, the ground
/// truth, then each row's best result — under a header naming the columns.
import Foundation
import LucidImage

/// Draws the grid of a report's first tasks.
public struct EditBenchGrid {
    public var gap = 4
    public var background = RGB(255, 255, 255)
    public var ink = RGB(0, 0, 0)

    public init() {}

    /// The grid of `tasks` (loaded task folders, in report order) from the pictures `report` names.
    public func render(_ report: EditBenchReport, tasks: [EditBenchTask]) throws -> RasterImage {
        let rows = report.setup.rows
        let titles = ["input", "ground truth"] + rows.map(\.rawValue)
        var lines: [RasterImage] = []
        for task in tasks {
            guard let record = report.tasks.first(where: { $0.id == task.id }) else { continue }
            var input = task.drag.input.image.toRGB()
            for pair in task.drag.input.pairs {
                input.drawDrag(from: (pair.handle.x, pair.handle.y), to: (pair.target.x, pair.target.y), dotRadius: 2,
                               line: RGB(255, 255, 255), handleDot: RGB(230, 30, 30), targetDot: RGB(30, 60, 230))
            }
            var pictures = [input, task.truth]
            for row in rows {
                guard let result = record.rows.first(where: { $0.row == row })?.results.first else { continue }
                pictures.append(try PNGCodec.decode(Data(contentsOf: URL(fileURLWithPath: result.image))).toRGB())
            }
            var line = try RasterImage.sideBySide(pictures, gap: gap, background: background)
            line.drawText(task.id, x: 2, y: 2, ink)
            lines.append(line)
        }
        guard let first = lines.first else { throw EditBenchError.invalid("no task of the grid is in the report") }
        let cell = cellWidth(of: first, columns: titles.count)
        let header = BitmapFont.lineHeight + 4
        let height = header + lines.map { $0.height + gap }.reduce(0, +)
        var grid = try RasterImage(width: lines.map(\.width).max() ?? 0, height: height, colour: background)
        for (column, title) in titles.enumerated() {
            grid.drawText(title, x: column * (cell + gap) + 2, y: 2, ink)
        }
        var top = header
        for line in lines {
            grid.paste(line, x: 0, y: top)
            top += line.height + gap
        }
        return grid
    }

    /// The width of one picture in a line of `columns` equal pictures.
    private func cellWidth(of line: RasterImage, columns: Int) -> Int {
        (line.width - gap * (columns - 1)) / columns
    }
}

// What `edit` and `demo` write into their output folder: `<rank>-<kind>.png` per finished edit,
// `sheet.png` and `edit.json`.
import Foundation
import LucidImage
import LucidProto
import LucidReasoning

/// The output folder of one drag edit.
struct EditOutput: Sendable {
    let directory: URL

    /// `out/edit-<UTC timestamp>` under the working directory.
    static func timestamped(now: Date = Date()) -> EditOutput {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return EditOutput(directory: URL(fileURLWithPath: "out/edit-\(formatter.string(from: now))"))
    }

    /// The sheet's path.
    var sheet: URL { directory.appendingPathComponent("sheet.png") }

    /// Writes every finished edit's image, the sheet and edit.json; returns the images' files by rank.
    @discardableResult
    func write(
        request: Lucid_V1_GatewayEditRequest, inputs: EditInputs, result: Lucid_V1_GatewayEditResult, clientSeconds: Double
    ) throws -> [UInt32: String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var files: [UInt32: String] = [:]
        for edit in result.edits where edit.succeeded {
            let name = "\(edit.rank)-\(edit.intention.kind.wireName).png"
            try PNGCodec.encode(try RasterImage(edit.image)).write(to: directory.appendingPathComponent(name))
            files[edit.rank] = name
        }
        let sheetImage = try ContactSheet.render(input: inputs.image, pairs: request.pairs, edits: result.edits)
        try PNGCodec.encode(sheetImage).write(to: sheet)
        let record = EditRecord(request: request, inputs: inputs, result: result, files: files,
                                sheet: sheet.lastPathComponent, clientSeconds: clientSeconds)
        try record.json().write(to: directory.appendingPathComponent("edit.json"))
        return files
    }
}

/// MultipartForm: a `multipart/form-data` body (RFC 7578) read into its named parts, and the form
/// of `POST /v1/edits` and `/v1/reason` — `image` and `mask` files and a `request` JSON field —
/// turned into the JSON body those routes read.
import Foundation

struct MultipartForm {
    /// Each part's bytes by its Content-Disposition name.
    let parts: [String: Data]

    /// The boundary of a `multipart/form-data; boundary=…` content type; nil for any other type.
    static func boundary(of contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        guard let parameter = pieces.dropFirst().first(where: { $0.lowercased().hasPrefix("boundary=") }) else { return nil }
        return parameter.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    /// Splits `body` at `boundary`; throws INVALID_ARGUMENT (400) for a body that is not such a form.
    init(_ body: Data, boundary: String) throws {
        let crlf = Data("\r\n".utf8)
        let delimiter = Data("\r\n--\(boundary)".utf8)
        guard let first = body.range(of: Data("--\(boundary)".utf8)) else {
            throw APIError(.invalidArgument, "the multipart body has no boundary \(boundary)")
        }
        var parts: [String: Data] = [:]
        var cursor = first.upperBound
        while !body[cursor...].starts(with: Data("--".utf8)) {
            guard body[cursor...].starts(with: crlf),
                  let end = body.range(of: delimiter, in: (cursor + crlf.count)..<body.endIndex) else {
                throw APIError(.invalidArgument, "the multipart body ends inside a part")
            }
            let part = body[(cursor + crlf.count)..<end.lowerBound]
            guard let blank = part.range(of: Data("\r\n\r\n".utf8)),
                  let name = Self.name(in: String(decoding: part[..<blank.lowerBound], as: UTF8.self)) else {
                throw APIError(.invalidArgument, "a multipart part has no Content-Disposition name")
            }
            parts[name] = Data(part[blank.upperBound...])
            cursor = end.upperBound
        }
        self.parts = parts
    }

    /// The JSON body of the drag routes: the `request` field's object with `image` and `mask` in base64.
    func dragJSON() throws -> Data {
        guard let image = parts["image"], let mask = parts["mask"] else {
            throw APIError(.invalidArgument, "the form needs an image and a mask file part")
        }
        var object: [String: Any] = [:]
        if let request = parts["request"] {
            guard let fields = try? JSONSerialization.jsonObject(with: request) as? [String: Any] else {
                throw APIError(.invalidArgument, "the form's request field is not a JSON object")
            }
            object = fields
        }
        object["image"] = image.base64EncodedString()
        object["mask"] = mask.base64EncodedString()
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// `name` of a part's `Content-Disposition: form-data; name="…"` header.
    private static func name(in headers: String) -> String? {
        let disposition = headers.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") }
        let parameter = disposition?.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("name=") }
        return parameter?.dropFirst("name=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}

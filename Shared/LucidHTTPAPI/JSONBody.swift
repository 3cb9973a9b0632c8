/// JSONBody: the JSON conventions of the HTTP API — snake_case keys, sorted, in and out.
import Foundation
import Hummingbird

enum JSONBody {
    /// Encodes with snake_case keys, sorted so that answers are stable.
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// A response of `status` whose body is `value` as JSON.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encode(value))))
    }

    /// Decodes snake_case JSON, refusing it with INVALID_ARGUMENT that names what is wrong.
    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw APIError(.invalidArgument, "the request has no \"\(key.stringValue.snakeCased)\"")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw APIError(.invalidArgument, "\"\(context.codingPath.map(\.stringValue.snakeCased).joined(separator: "."))\": \(context.debugDescription)")
        } catch {
            throw APIError(.invalidArgument, "the request is not valid JSON: \(error.localizedDescription)")
        }
    }
}

extension String {
    /// "numIntentions" → "num_intentions", to name a key as the client wrote it.
    fileprivate var snakeCased: String {
        reduce(into: "") { name, character in
            if character.isUppercase { name += "_" + character.lowercased() } else { name.append(character) }
        }
    }
}

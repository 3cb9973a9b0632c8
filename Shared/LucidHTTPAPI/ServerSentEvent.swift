/// ServerSentEvent: one event of `GET /v1/edits/{id}/events` — a name and a line of JSON.
import Foundation

struct ServerSentEvent: Sendable, Equatable {
    /// "intentions", "progress", "edited", "done" or "error".
    let name: String
    /// JSON, on one line.
    let data: String

    init(_ name: String, _ value: some Encodable) {
        self.name = name
        data = String(decoding: (try? JSONBody.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// The event as text/event-stream: `event: …`, `data: …`, a blank line.
    var text: String { "event: \(name)\ndata: \(data)\n\n" }
}

/// WebAssets: the web editor's files (HTML, CSS, JS, demo images) from the target's resources, read
/// once at start and served from memory at `/` and `/<path>` — only the files that are there, so no
/// request path ever reaches the file system.
import Foundation

struct WebAssets: Sendable {
    /// One file: its bytes and its media type.
    struct Asset: Sendable {
        let data: Data
        let contentType: String
    }

    /// Files by path relative to the Web folder, e.g. "editor.js", "demos/task-0032.png".
    let files: [String: Asset]

    /// The files of the `Web` folder in LucidHTTPAPI's resources.
    static func bundled() throws -> WebAssets {
        guard let folder = Bundle.module.url(forResource: "Web", withExtension: nil) else {
            throw HTTPAPIError.missingResource("Web")
        }
        return try WebAssets(folder: folder)
    }

    /// Every regular file under `folder`, by relative path.
    init(folder: URL) throws {
        var files: [String: Asset] = [:]
        let root = folder.standardizedFileURL.path
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(root.count + 1))
            files[path] = Asset(data: try Data(contentsOf: url), contentType: Self.contentType(of: url.pathExtension))
        }
        guard files["index.html"] != nil else { throw HTTPAPIError.missingResource("Web/index.html") }
        self.files = files
    }

    private static func contentType(of pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }
}

/// HTTPAPIRoutes: the routes of the HTTP API — edits as jobs, their events, images and
/// cancellation, the reasoner, health, the OpenAPI document, metrics, and the web editor's files.
import Foundation
import Hummingbird
import LucidBus
import LucidImage
import LucidProto
import NIOCore

struct HTTPAPIRoutes: Sendable {
    static let reasonerService = "lucid.v1.Reasoner"

    let jobs: EditJobs
    let client: RPCClient
    let settings: HTTPAPISettings
    let openAPI: Data
    let web: WebAssets
    let metrics: APIMetrics

    func router() throws -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: JSONErrorMiddleware(routes: try DocumentedRoutes(openAPI: openAPI, staticPaths: Array(web.files.keys))))
        router.get("openapi.json") { _, _ in Self.file(openAPI, contentType: "application/json") }
        router.get("metrics") { _, _ in
            await jobs.count()
            return Self.file(Data(metrics.exposition().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/") { _, _ in Self.file(web.files["index.html"]!) }
        for (path, asset) in web.files where path != "index.html" {
            router.get(RouterPath(path)) { _, _ in Self.file(asset) }
        }
        let v1 = router.group("v1")
        if let token = settings.token { v1.add(middleware: BearerTokenMiddleware(token: token)) }
        v1.post("edits") { request, _ in try await submit(request) }
        v1.get("edits/:id") { _, context in try JSONBody.response(await jobs.job(try context.parameters.require("id")).view) }
        v1.get("edits/:id/events") { _, context in try await events(of: try context.parameters.require("id")) }
        v1.delete("edits/:id") { _, context in try JSONBody.response(await jobs.cancel(try context.parameters.require("id")).view) }
        v1.get("edits/:id/results/:file") { _, context in
            try await image(of: try context.parameters.require("id"), file: try context.parameters.require("file"))
        }
        v1.post("reason") { request, _ in try await reason(request) }
        v1.get("health") { _, _ in
            let report = await HealthReport.check(settings.services, client: client, timeout: .seconds(5))
            return try JSONBody.response(report, status: report.serving ? .ok : .serviceUnavailable)
        }
        return router
    }

    /// `POST /v1/edits` → 202 `{"id": …}` once the gateway has accepted the request.
    private func submit(_ request: Request) async throws -> Response {
        let (submission, options) = try DragSubmission.read(try await body(of: request), maxImageSide: settings.limits.maxImageSide)
        let job = try await jobs.submit(try submission.gatewayRequest(options: options))
        var response = try JSONBody.response(["id": job.id], status: .accepted)
        response.headers[.location] = "/v1/edits/\(job.id)"
        return response
    }

    /// `GET /v1/edits/{id}/events`: what happened so far, then live, as text/event-stream, with a
    /// comment line every `sseKeepAlive` so that proxies and clients keep a quiet stream open.
    private func events(of id: String) async throws -> Response {
        let events = try await jobs.job(id).subscribe()
        let (texts, sink) = AsyncStream.makeStream(of: String.self)
        let relay = Task {
            for await event in events { sink.yield(event.text) }
            sink.finish()
        }
        let keepAlive = Task { [interval = settings.limits.sseKeepAlive] in
            while (try? await Task.sleep(for: interval)) != nil { sink.yield(": keep-alive\n\n") }
        }
        sink.onTermination = { _ in
            relay.cancel()
            keepAlive.cancel()
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            for await text in texts { try await writer.write(ByteBuffer(string: text)) }
            try await writer.finish(nil)
        })
    }

    private static func file(_ asset: WebAssets.Asset) -> Response {
        file(asset.data, contentType: asset.contentType)
    }

    private static func file(_ data: Data, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `GET /v1/edits/{id}/results/{k}.png`: the k-th ranked image (1 = best) as PNG.
    private func image(of id: String, file: String) async throws -> Response {
        guard file.hasSuffix(".png"), let rank = Int(file.dropLast(4)), rank >= 1 else {
            throw APIError(.notFound, "no result \(file): results are 1.png, 2.png, … by rank")
        }
        let job = try await jobs.job(id)
        guard let edit = await job.edit(rank: rank), edit.status.code == .ok else {
            let status = await job.status
            guard !status.isActive else {
                throw APIError(.failedPrecondition, "edit job \(id) is \(status.rawValue): the image of rank \(rank) is not ready yet; "
                               + "follow /v1/edits/\(id)/events or poll /v1/edits/\(id)", status: .conflict)
            }
            throw APIError(.notFound, "edit job \(id) has no image of rank \(rank)")
        }
        let png: Data
        if case .encoded(let bytes)? = edit.image.content, ImageFileFormat.sniff(bytes) == .png {
            png = bytes
        } else {
            png = try PNGCodec.encode(try RasterImage(edit.image))
        }
        return Self.file(png, contentType: "image/png")
    }

    /// `POST /v1/reason`: Reasoner.Reason on the drag, without editing.
    private func reason(_ request: Request) async throws -> Response {
        let (submission, _) = try DragSubmission.read(try await body(of: request), maxImageSide: settings.limits.maxImageSide)
        do {
            let answer: Lucid_V1_ReasonResponse = try await client.call(
                service: Self.reasonerService, method: "Reason", try submission.reasonRequest(), deadline: .seconds(60))
            return try JSONBody.response(ReasonView(answer))
        } catch let error as RPCError {
            throw APIError(error)
        }
    }

    /// The request body as JSON (a multipart/form-data one converted), refused with 413 above `maxUploadBytes`.
    private func body(of request: Request) async throws -> Data {
        let limit = settings.limits.maxUploadBytes
        let body: Data
        do {
            body = Data(buffer: try await request.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            throw APIError(.resourceExhausted, "the request is larger than \(limit) bytes", status: .contentTooLarge)
        }
        guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(of:)) else { return body }
        return try MultipartForm(body, boundary: boundary).dragJSON()
    }
}

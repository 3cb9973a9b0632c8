/// The HTTP API on a real 127.0.0.1 port in front of a real broker, gateway, built-in reasoner and
/// demo-model sampler: an edit from POST to its images, refusals by status and JSON, cancellation,
/// the queue limit, the token, health, the OpenAPI document, metrics, previews and keep-alives in the
/// event stream, and the web editor's files.
import Foundation
import LucidBus
import LucidHTTPAPI
import LucidImage
import XCTest

final class HTTPAPITests: XCTestCase {
    private var harness: HTTPAPIHarness?

    override func tearDown() async throws {
        await harness?.shutdown()
    }

    private func start(limits: APILimits = APILimits(), token: String? = nil) async throws -> HTTPAPIHarness {
        let harness = try await HTTPAPIHarness(limits: limits, token: token)
        self.harness = harness
        return harness
    }

    func testAnEditPostedAsJSONStreamsItsEventsUntilDoneAndServesBothRankedImages() async throws {
        let api = try await start()
        let posted = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032())
        XCTAssertEqual(posted.status, 202, String(decoding: posted.body, as: UTF8.self))
        let id = try XCTUnwrap(try HTTPAPIHarness.object(posted.body)["id"] as? String)
        XCTAssertEqual(posted.response.value(forHTTPHeaderField: "Location"), "/v1/edits/\(id)")

        let events = try await api.send("GET", "v1/edits/\(id)/events")
        XCTAssertEqual(events.status, 200)
        XCTAssertEqual(events.response.value(forHTTPHeaderField: "Content-Type"), "text/event-stream")
        let names = String(decoding: events.body, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        XCTAssertEqual(names.first, "intentions")
        XCTAssertEqual(names.last, "done")
        XCTAssertEqual(names.filter { $0 == "edited" }.count, 2)
        XCTAssertTrue(names.contains("progress"))
        XCTAssertEqual(names.filter { $0 != "progress" }, ["intentions", "edited", "edited", "done"])

        let job = try HTTPAPIHarness.object(try await api.send("GET", "v1/edits/\(id)").body)
        XCTAssertEqual(job["status"] as? String, "done")
        XCTAssertEqual(job["seed"] as? Int, 7)
        XCTAssertEqual((job["intentions"] as? [Any])?.count, 2)
        let edits = try XCTUnwrap(job["edits"] as? [[String: Any]])
        XCTAssertEqual(edits.map { $0["rank"] as? Int }, [1, 2])
        XCTAssertEqual(edits.map { $0["url"] as? String }, ["/v1/edits/\(id)/results/1.png", "/v1/edits/\(id)/results/2.png"])
        for rank in 1...2 {
            let image = try await api.send("GET", "v1/edits/\(id)/results/\(rank).png")
            XCTAssertEqual(image.status, 200)
            XCTAssertEqual(image.response.value(forHTTPHeaderField: "Content-Type"), "image/png")
            let decoded = try PNGCodec.decode(image.body)
            XCTAssertEqual([decoded.width, decoded.height], [128, 128])
        }
        let third = try await api.send("GET", "v1/edits/\(id)/results/3.png")
        XCTAssertEqual(third.status, 404)
    }

    func testAnEditPostedAsAMultipartFormRunsUntilDone() async throws {
        let api = try await start()
        let folder = HTTPAPIHarness.root.appendingPathComponent("Benchmarks/data/drag-dev/task-0032")
        let boundary = "lucid-\(UUID().uuidString)"
        var body = Data()
        for (name, file) in [("image", "input.png"), ("mask", "mask.png")] {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file)\"\r\n".utf8)
            body += Data("Content-Type: image/png\r\n\r\n".utf8)
            body += try Data(contentsOf: folder.appendingPathComponent(file)) + Data("\r\n".utf8)
        }
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n".utf8)
        body += Data(#"{"pairs": [{"handle": [60.04, 33.2], "target": [55.99, 32.44]}], "intentions": 1, "seed": 3, "steps": 4}"#.utf8)
        body += Data("\r\n--\(boundary)--\r\n".utf8)

        let posted = try await api.send("POST", "v1/edits", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        XCTAssertEqual(posted.status, 202, String(decoding: posted.body, as: UTF8.self))
        let id = try XCTUnwrap(try HTTPAPIHarness.object(posted.body)["id"] as? String)
        _ = try await api.send("GET", "v1/edits/\(id)/events")
        let job = try HTTPAPIHarness.object(try await api.send("GET", "v1/edits/\(id)").body)
        XCTAssertEqual(job["status"] as? String, "done")
        XCTAssertEqual(job["seed"] as? Int, 3)
        XCTAssertEqual((job["edits"] as? [Any])?.count, 1)
    }

    func testAHandleOutsideTheImageIsRefusedWith400AndTheGatewaysMessage() async throws {
        let api = try await start()
        let answer = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032(handle: [200, 33.2]))
        XCTAssertEqual(answer.status, 400)
        let error = try HTTPAPIHarness.object(answer.body)
        XCTAssertEqual(error["code"] as? String, "INVALID_ARGUMENT")
        XCTAssertEqual(error["message"] as? String, "pair 0: the handle (200.0, 33.2) is outside the 128×128 image")
    }

    func testABodyAboveTheUploadLimitIsRefusedWith413() async throws {
        let api = try await start(limits: APILimits(maxUploadBytes: 1000))
        let answer = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032())
        XCTAssertEqual(answer.status, 413)
        let error = try HTTPAPIHarness.object(answer.body)
        XCTAssertEqual(error["code"] as? String, "RESOURCE_EXHAUSTED")
        XCTAssertEqual(error["message"] as? String, "the request is larger than 1000 bytes")
    }

    func testAnImageAboveTheSideLimitIsRefusedWith400() async throws {
        let api = try await start(limits: APILimits(maxImageSide: 64))
        let answer = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032())
        XCTAssertEqual(answer.status, 400)
        let error = try HTTPAPIHarness.object(answer.body)
        XCTAssertEqual(error["code"] as? String, "INVALID_ARGUMENT")
        XCTAssertEqual(error["message"] as? String, "the image is 128×128; its longer side may be at most 64 pixels")
    }

    func testAnUnknownJobIsNotFound() async throws {
        let api = try await start()
        for (method, path) in [("GET", "v1/edits/nope"), ("GET", "v1/edits/nope/events"), ("DELETE", "v1/edits/nope"),
                               ("GET", "v1/edits/nope/results/1.png")] {
            let answer = try await api.send(method, path)
            XCTAssertEqual(answer.status, 404, "\(method) \(path)")
            let error = try HTTPAPIHarness.object(answer.body)
            XCTAssertEqual(error["code"] as? String, "NOT_FOUND")
            XCTAssertEqual(error["message"] as? String, "no edit job nope")
        }
    }

    func testAnUnknownRouteIsNotFoundInJSON() async throws {
        let api = try await start()
        let answer = try await api.send("GET", "v1/nothing")
        XCTAssertEqual(answer.status, 404)
        let error = try HTTPAPIHarness.object(answer.body)
        XCTAssertEqual(error["code"] as? String, "NOT_FOUND")
        XCTAssertEqual(error["message"] as? String, "no such path: /v1/nothing")
    }

    func testADocumentedPathAskedWithAnotherMethodIs405WithAllow() async throws {
        let api = try await start()
        for (method, path, allow) in [("TRACE", "openapi.json", "GET, HEAD"), ("PUT", "v1/edits", "POST"),
                                      ("POST", "v1/edits/abc", "DELETE, GET, HEAD"), ("DELETE", "", "GET, HEAD")] {
            let answer = try await api.send(method, path)
            XCTAssertEqual(answer.status, 405, "\(method) /\(path)")
            XCTAssertEqual(answer.response.value(forHTTPHeaderField: "Allow"), allow, "\(method) /\(path)")
            let error = try HTTPAPIHarness.object(answer.body)
            XCTAssertEqual(error["code"] as? String, "UNIMPLEMENTED")
            XCTAssertEqual(error["message"] as? String, "\(method) is not served on /\(path); use \(allow)")
        }
    }

    func testDeleteCancelsARunningEditAndTheSamplerStops() async throws {
        let api = try await start()
        let posted = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032(intentions: 1, steps: 200))
        XCTAssertEqual(posted.status, 202)
        let id = try XCTUnwrap(try HTTPAPIHarness.object(posted.body)["id"] as? String)
        try await waitFor("the sampler's progress") {
            let job = try HTTPAPIHarness.object(try await api.send("GET", "v1/edits/\(id)").body)
            return !((job["progress"] as? [Any]) ?? []).isEmpty
        }

        let deleted = try await api.send("DELETE", "v1/edits/\(id)")
        XCTAssertEqual(deleted.status, 200)
        XCTAssertEqual(try HTTPAPIHarness.object(deleted.body)["status"] as? String, "cancelled")
        let job = try HTTPAPIHarness.object(try await api.send("GET", "v1/edits/\(id)").body)
        XCTAssertEqual(job["status"] as? String, "cancelled")
        XCTAssertEqual((job["error"] as? [String: Any])?["code"] as? String, "CANCELLED")
        let events = String(decoding: try await api.send("GET", "v1/edits/\(id)/events").body, as: UTF8.self)
        XCTAssertTrue(events.hasSuffix("event: error\ndata: {\"code\":\"CANCELLED\",\"message\":\"the edit was cancelled by DELETE\"}\n\n"))
        try await waitFor("the sampler to be idle") {
            (try? await api.client.health(service: "lucid.v1.Sampler").busy) == 0
        }
    }

    func testAFinishedJobIsDeletedAfterTheKeepTime() async throws {
        let api = try await start(limits: APILimits(keepResults: .seconds(2)))
        let posted = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032(intentions: 1, steps: 200))
        let id = try XCTUnwrap(try HTTPAPIHarness.object(posted.body)["id"] as? String)
        let deleted = try await api.send("DELETE", "v1/edits/\(id)")
        XCTAssertEqual(deleted.status, 200)
        let kept = try await api.send("GET", "v1/edits/\(id)")
        XCTAssertEqual(kept.status, 200)
        try await waitFor("the job to be deleted") {
            try await api.send("GET", "v1/edits/\(id)").status == 404
        }
    }

    func testAFullQueueIsRefusedWith429AndRetryAfter() async throws {
        let api = try await start(limits: APILimits(maxJobs: 1))
        let first = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032(intentions: 1, steps: 200))
        XCTAssertEqual(first.status, 202)
        let second = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032())
        XCTAssertEqual(second.status, 429)
        XCTAssertEqual(second.response.value(forHTTPHeaderField: "Retry-After"), "5")
        let error = try HTTPAPIHarness.object(second.body)
        XCTAssertEqual(error["code"] as? String, "RESOURCE_EXHAUSTED")
        XCTAssertEqual(error["message"] as? String, "the queue of edit jobs is full (1 queued or running); try again later")
        let id = try XCTUnwrap(try HTTPAPIHarness.object(first.body)["id"] as? String)
        let deleted = try await api.send("DELETE", "v1/edits/\(id)")
        XCTAssertEqual(deleted.status, 200)
    }

    func testATokenIsRequiredOnEveryV1RouteButNotForTheOpenAPIDocument() async throws {
        let api = try await start(token: "s3cret")
        let without = try await api.send("GET", "v1/edits/nope")
        XCTAssertEqual(without.status, 401)
        let error = try HTTPAPIHarness.object(without.body)
        XCTAssertEqual(error["code"] as? String, "UNAUTHENTICATED")
        XCTAssertEqual(error["message"] as? String, "this API needs the header Authorization: Bearer <token>")
        let wrong = try await api.send("GET", "v1/health", token: "wrong")
        XCTAssertEqual(wrong.status, 401)
        let right = try await api.send("GET", "v1/edits/nope", token: "s3cret")
        XCTAssertEqual(right.status, 404)
        let document = try await api.send("GET", "openapi.json")
        XCTAssertEqual(document.status, 200)
    }

    func testHealthListsEveryServiceServing() async throws {
        let api = try await start()
        let answer = try await api.send("GET", "v1/health")
        XCTAssertEqual(answer.status, 200)
        let report = try HTTPAPIHarness.object(answer.body)
        XCTAssertEqual(report["serving"] as? Bool, true)
        let services = try XCTUnwrap(report["services"] as? [[String: Any]])
        XCTAssertEqual(services.map { $0["service"] as? String }, HTTPAPIHarness.services)
        XCTAssertEqual(services.map { $0["status"] as? String }, ["SERVING", "SERVING", "SERVING"])
    }

    func testReasonAnswersTheReasonersIntentionsBestFirst() async throws {
        let api = try await start()
        let answer = try await api.send("POST", "v1/reason", json: try HTTPAPIHarness.task0032())
        XCTAssertEqual(answer.status, 200, String(decoding: answer.body, as: UTF8.self))
        let reasoning = try HTTPAPIHarness.object(answer.body)
        XCTAssertEqual(reasoning["backend"] as? String, "builtin")
        let intentions = try XCTUnwrap(reasoning["intentions"] as? [[String: Any]])
        XCTAssertEqual(intentions.map { $0["index"] as? Int }, [0, 1])
    }

    func testTheOpenAPIDocumentListsEveryRoute() async throws {
        let api = try await start()
        let answer = try await api.send("GET", "openapi.json")
        XCTAssertEqual(answer.status, 200)
        let document = try HTTPAPIHarness.object(answer.body)
        XCTAssertEqual(document["openapi"] as? String, "3.1.0")
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        XCTAssertEqual(paths.mapValues { Set($0.keys) }, [
            "/v1/edits": ["post"],
            "/v1/edits/{id}": ["get", "delete"],
            "/v1/edits/{id}/events": ["get"],
            "/v1/edits/{id}/results/{k}.png": ["get"],
            "/v1/reason": ["post"],
            "/v1/health": ["get"],
            "/openapi.json": ["get"],
            "/metrics": ["get"],
            "/": ["get"],
        ])
    }

    func testProgressEventsCarryPreviewsAndAQuietStreamGetsKeepAlives() async throws {
        let api = try await start(limits: APILimits(sseKeepAlive: .milliseconds(100)))
        var request = try HTTPAPIHarness.task0032(intentions: 1, steps: 4)
        request["options"] = ["previewEvery": 2]
        let posted = try await api.send("POST", "v1/edits", json: request)
        XCTAssertEqual(posted.status, 202, String(decoding: posted.body, as: UTF8.self))
        let id = try XCTUnwrap(try HTTPAPIHarness.object(posted.body)["id"] as? String)
        let stream = String(decoding: try await api.send("GET", "v1/edits/\(id)/events").body, as: UTF8.self)
        XCTAssertTrue(stream.contains(": keep-alive\n\n"), "no keep-alive comment in a stream of a few seconds")
        let previews = stream.split(separator: "\n").filter { $0.hasPrefix("data: ") && $0.contains("\"preview\":\"data:image/png;base64,") }
        XCTAssertFalse(previews.isEmpty, "sampling step 2 of 4 sends a preview")
        let line = try XCTUnwrap(previews.first)
        let progress = try HTTPAPIHarness.object(Data(line.dropFirst(6).utf8))
        let dataURL = try XCTUnwrap(progress["preview"] as? String)
        let png = try XCTUnwrap(Data(base64Encoded: String(dataURL.dropFirst("data:image/png;base64,".count))))
        XCTAssertGreaterThan(try PNGCodec.decode(png).width, 0)
    }

    func testMetricsCountRequestsJobsStageSecondsAndWorkers() async throws {
        let api = try await start()
        let posted = try await api.send("POST", "v1/edits", json: try HTTPAPIHarness.task0032())
        let id = try XCTUnwrap(try HTTPAPIHarness.object(posted.body)["id"] as? String)
        _ = try await api.send("GET", "v1/edits/\(id)/events")  // until done
        _ = try await api.send("GET", "v1/edits/no-such-job")
        var text = ""
        var samples: [String: Double] = [:]
        try await waitFor("the census of the broker's workers") {
            let answer = try await api.send("GET", "metrics")
            XCTAssertEqual(answer.status, 200)
            XCTAssertEqual(answer.response.value(forHTTPHeaderField: "Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
            text = String(decoding: answer.body, as: UTF8.self)
            samples = Self.samples(text)
            return samples[#"luciddrag_bus_workers{service="lucid.v1.Sampler"}"#] == 1
        }
        let expected: [String: Double] = [
            #"luciddrag_http_requests_total{route="/v1/edits",method="POST",status="202"}"#: 1,
            #"luciddrag_http_requests_total{route="/v1/edits/{id}",method="GET",status="404"}"#: 1,
            #"luciddrag_edit_jobs_total{outcome="done"}"#: 1,
            #"luciddrag_edit_jobs{state="running"}"#: 0,
            #"luciddrag_edit_jobs{state="queued"}"#: 0,
            #"luciddrag_edit_stage_seconds_count{stage="sample"}"#: 2,
            #"luciddrag_edit_stage_seconds_count{stage="edit"}"#: 2,
            #"luciddrag_bus_workers{service="lucid.v1.Gateway"}"#: 16,  // one per concurrent request
            #"luciddrag_bus_workers{service="lucid.v1.Reasoner"}"#: 1,
            #"luciddrag_bus_queued_requests{service="lucid.v1.Sampler"}"#: 0,
        ]
        for (sample, value) in expected {
            XCTAssertEqual(samples[sample], value, "\(sample) in:\n\(text)")
        }
        XCTAssertGreaterThan(samples[#"luciddrag_edit_stage_seconds_sum{stage="sample"}"#] ?? 0, 0)
        XCTAssertTrue(text.contains("# TYPE luciddrag_edit_stage_seconds histogram"), text)
        XCTAssertFalse(text.contains("/control"), "control workers are not services")
    }

    /// Prometheus text as `name{labels}` → value.
    private static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    func testTheWebEditorIsServedAtTheRootWithEveryFileItNames() async throws {
        let api = try await start()
        let page = try await api.send("GET", "")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.response.value(forHTTPHeaderField: "Content-Type"), "text/html; charset=utf-8")
        let html = String(decoding: page.body, as: UTF8.self)
        XCTAssertTrue(html.contains("<title>LucidDrag editor</title>"))
        for (file, type) in [("editor.js", "text/javascript; charset=utf-8"), ("editor.css", "text/css; charset=utf-8")] {
            XCTAssertTrue(html.contains("\"\(file)\""), "the page links \(file)")
            let answer = try await api.send("GET", file)
            XCTAssertEqual(answer.status, 200, file)
            XCTAssertEqual(answer.response.value(forHTTPHeaderField: "Content-Type"), type)
        }
        let manifest = try HTTPAPIHarness.object(try await api.send("GET", "demos/demos.json").body)
        let demos = try XCTUnwrap(manifest["demos"] as? [[String: Any]])
        XCTAssertFalse(demos.isEmpty)
        for demo in demos {
            for key in ["image", "mask"] {
                let answer = try await api.send("GET", try XCTUnwrap(demo[key] as? String))
                XCTAssertEqual(answer.status, 200)
                XCTAssertEqual(try PNGCodec.decode(answer.body).width, 128)
            }
        }
        let outside = try await api.send("GET", "demos/../../Package.swift")
        XCTAssertEqual(outside.status, 404)
    }

    /// Polls `condition` every 50 ms for up to 60 s.
    private func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { return XCTFail("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

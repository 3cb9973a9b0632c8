/// lucid.v1.Sampler.Edit behind a real Majordomo broker (inproc://) with the shipped demo model:
/// progress streams as PARTIAL replies, the result is a PNG of the input's size, the second
/// intention of one image reuses the inversion, bad requests are refused by name while the worker
/// keeps serving, and a cancelled edit stops within a step.
import Foundation
import LucidBus
import LucidImage
import LucidProto
import LucidSamplerService
import XCTest

final class SamplerServiceTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    private static let engine = Result { try SamplerEngine(modelFolder: root.appendingPathComponent("Models/demo-world"), quality: .local) }

    private var broker: MajordomoBroker!
    private var worker: ServiceWorker!
    private var client: RPCClient!

    override func setUpWithError() throws {
        let endpoint = BusEndpoint.inproc(named: "sampler-\(UUID().uuidString.prefix(8))")
        broker = try MajordomoBroker(endpoints: [endpoint])
        worker = ServiceWorker(service: "lucid.v1.Sampler", endpoint: endpoint)
        try worker.serveSampler(Self.engine.get(), endpoint: endpoint)
        try worker.start()
        client = try RPCClient(endpoint: endpoint)
    }

    override func tearDown() async throws {
        await client?.shutdown()
        await worker?.shutdown()
        await broker?.shutdown()
    }

    /// Task 0032 of the dev set with a short schedule.
    private func request(steps: UInt32 = 10, target: String = "a medium black circle on a pale green background") throws -> Lucid_V1_EditRequest {
        let folder = Self.root.appendingPathComponent("Benchmarks/data/drag-dev/task-0032")
        var request = Lucid_V1_EditRequest()
        request.image.encoded = try Data(contentsOf: folder.appendingPathComponent("input.png"))
        request.mask.encoded = try Data(contentsOf: folder.appendingPathComponent("mask.png"))
        var pair = Lucid_V1_PointPair()
        pair.handle.x = 60.04; pair.handle.y = 33.2; pair.target.x = 55.99; pair.target.y = 32.44
        request.pairs = [pair]
        request.intention.sourcePrompt = "a small black circle on a pale green background"
        request.intention.targetPrompt = target
        request.options.steps = steps
        request.options.guidanceSteps = steps * 3 / 5
        request.options.denseGuidanceSteps = steps / 5
        request.options.memoryBankFrom = 1
        request.options.sdeFrom = 2
        request.options.sdeTo = 4
        request.options.previewEvery = 5
        request.options.seed = 7
        return request
    }

    private func edit(_ request: Lucid_V1_EditRequest) async throws -> (progress: [Lucid_V1_EditProgress], result: Lucid_V1_EditResult) {
        var progress: [Lucid_V1_EditProgress] = []
        for try await event in client.stream(service: "lucid.v1.Sampler", method: "Edit", request,
                                             progress: Lucid_V1_EditReply.self, returning: Lucid_V1_EditReply.self,
                                             deadline: .seconds(300)) {
            switch event {
            case .progress(let reply): progress.append(reply.progress)
            case .result(let reply): return (progress, reply.result)
            }
        }
        throw XCTSkip("the stream ended without a result")
    }

    func testAnEditStreamsProgressAndAnswersAnImageOfTheInputsSize() async throws {
        let (progress, result) = try await edit(request())
        XCTAssertEqual(progress.filter { $0.stage == "sample" }.map(\.step), Array(1...7),
                       "10 steps at inversion strength 0.7: the last 7 are sampled")
        XCTAssertEqual(progress.filter { $0.stage == "invert" }.map(\.step), Array(1...7),
                       "the inversion runs only as far as sampling starts")
        XCTAssertEqual(progress.filter { $0.hasPreview }.map(\.step), [5], "a preview every 5 steps, none at the end")
        XCTAssertEqual(Set(progress.map(\.stage)), ["encode", "invert", "sample", "decode"])
        let image = try RasterImage(result.image)
        XCTAssertEqual([image.width, image.height], [128, 128])
        XCTAssertEqual([result.workingWidth, result.workingHeight], [128, 128])
        XCTAssertEqual(result.seed, 7)
        XCTAssertTrue(result.qualityGuidanceApplied)
        XCTAssertTrue(result.qualityLogit.isFinite)
        XCTAssertEqual(result.model, "demo-world@b4a0c66ecb571d55")
        XCTAssertGreaterThan(result.stages.sample, 0)
    }

    func testTheSecondIntentionOfAnImageReusesItsInversion() async throws {
        let first = try await edit(request(steps: 6, target: "a large black circle on a pale green background")).result
        let second = try await edit(request(steps: 6, target: "a small black circle on a pale green background")).result
        XCTAssertFalse(first.inversionCached)
        XCTAssertTrue(second.inversionCached)
        XCTAssertEqual(second.stages.invert, 0)
        XCTAssertNotEqual(first.image.encoded, second.image.encoded, "different intentions, different edits")
        var deeper = try request(steps: 6)
        deeper.options.inversionStrength = 1
        let third = try await edit(deeper).result
        XCTAssertFalse(third.inversionCached, "sampling from z_T needs the inversion the others stopped short of")
    }

    func testBadRequestsAreRefusedByNameAndTheWorkerKeepsServing() async throws {
        var outside = try request()
        outside.pairs[0].target.x = 500
        var noIntention = try request()
        noIntention.intention = Lucid_V1_Intention()
        var wrongMask = try request()
        wrongMask.mask.encoded = try BinaryMask(width: 64, height: 64, value: true).pngMessage().encoded
        var badWindow = try request()
        badWindow.options.window = 4
        var noStrength = try request()
        noStrength.options.inversionStrength = 0
        var broken = try request()
        broken.image.encoded = Data([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
        var shortWarp = try request()
        shortWarp.intention.warp = [1, 0, 0]
        var flatWarp = try request()
        flatWarp.intention.warp = [1, 0, 0, 0, 0, 0]
        var nanWarp = try request()
        nanWarp.intention.warp = [1, 0, .nan, 0, 1, 0]
        let cases: [(Lucid_V1_EditRequest, String)] = [
            (outside, "pair 0: the target (500.0, 32.44) is outside the 128×128 image"),
            (noIntention, "the request has no intention with a target prompt"),
            (wrongMask, "the mask: the image is 64×64, expected 128×128"),
            (badWindow, "window must be odd and in 1...15, got 4"),
            (noStrength, "inversion_strength must be in (0, 1], got 0.0"),
            (broken, "the image: "),
            (shortWarp, "the intention's warp: a warp has 6 coefficients (a 2×3 affine map), got 3"),
            (flatWarp, "the intention's warp: the warp scales areas by 0.0"),
            (nanWarp, "the intention's warp: the warp's coefficients must be finite"),
        ]
        for (bad, message) in cases {
            do {
                _ = try await edit(bad)
                XCTFail("accepted: \(message)")
            } catch let error as RPCError {
                XCTAssertEqual(error.code, .invalidArgument, error.message)
                XCTAssertTrue(error.message.contains(message), "\(error.message) should say \(message)")
            }
        }
        _ = try await edit(request(steps: 2))
    }

    func testACancelledEditStopsWithinAStep() async throws {
        let short = try await edit(request(steps: 4))
        let stepSeconds = short.result.stages.sample / Double(short.progress.filter { $0.stage == "sample" }.count)
        let started = ContinuousClock.now
        let long = try request(steps: 50)
        // Leaving the stream at step 3 cancels the edit; the task answers when it left.
        let task = Task { [client] () -> ContinuousClock.Instant? in
            for try await event in client!.stream(service: "lucid.v1.Sampler", method: "Edit", long,
                                                  progress: Lucid_V1_EditReply.self, returning: Lucid_V1_EditReply.self) {
                if case .progress(let reply) = event, reply.progress.stage == "sample", reply.progress.step == 3 {
                    return .now
                }
            }
            return nil
        }
        let cancelledAt = try await task.value
        // The worker is free again once the cancelled edit has stopped: a 1-step edit then runs.
        _ = try await edit(request(steps: 1))
        let stoppedWithin = try ContinuousClock.now - XCTUnwrap(cancelledAt, "the edit ended before step 3")
        print("cancel: sampling step \(stepSeconds) s; cancelled edit stopped and a 1-step edit ran within \(stoppedWithin) (total \(ContinuousClock.now - started))")
        XCTAssertLessThan(stoppedWithin, .seconds(stepSeconds * 2 + 3))
    }
}

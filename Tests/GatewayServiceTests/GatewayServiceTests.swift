/// Gateway.Edit behind a real broker on inproc://: the built-in reasoner and scripted samplers as
/// in-process workers. Edits run in parallel and come back ranked; caller-given intentions skip the
/// reasoner; a failed edit is a status beside the others; bad requests are refused by name; every
/// intention shares one seed and one inversion prompt; cancelling the request cancels the edits.
import Foundation
import LucidBus
import LucidGatewayService
import LucidImage
import LucidProto
import LucidTestSupport
import XCTest

final class GatewayServiceTests: XCTestCase {
    private var bus: GatewayBus!

    override func setUpWithError() throws {
        bus = try GatewayBus()
    }

    override func tearDown() async throws {
        await bus?.shutdown()
    }

    // MARK: Parallel edits and ranking

    func testThreeEditsRunInParallelOverTwoSamplersAndComeBackRankedByConfidence() async throws {
        let sampler = ScriptedSampler(duration: .milliseconds(1500))
        try bus.addSampler(sampler, workerID: "sampler-a")
        try bus.addSampler(sampler, workerID: "sampler-b")

        let started = ContinuousClock.now
        let (progress, result) = try await bus.edit(try GatewayRequests.rightEdgeDrag())
        let total = started.duration(to: .now)

        let calls = sampler.calls
        XCTAssertEqual(calls.count, 3)
        let sum = calls.reduce(Duration.zero) { $0 + $1.started.duration(to: $1.ended!) }
        XCTAssertLessThan(total, sum, "three 1.5 s edits on two samplers take two rounds, not three")
        XCTAssertLessThan(calls[1].started, calls[0].ended!, "the first two edits overlap")
        XCTAssertEqual(Set(calls.map(\.workerID)), ["sampler-a", "sampler-b"])

        XCTAssertEqual(bus.reasoner.calls, 1)
        XCTAssertEqual(result.reasonerBackend, "builtin")
        XCTAssertEqual(result.regionDescription, "the medium red circle in the center")
        XCTAssertFalse(result.fellBack)
        let intentions = try XCTUnwrap(progress.first { $0.gatewayStage == .intentions }).intentions
        XCTAssertEqual(intentions.map(\.kind), [.enlarge, .move, .stretchHorizontal])
        XCTAssertEqual(result.edits.map(\.rank), [1, 2, 3])
        XCTAssertEqual(result.edits.map(\.intention), intentions)
        XCTAssertEqual(result.edits.map(\.intention.confidence), intentions.map(\.confidence).sorted(by: >))
        for edit in result.edits {
            XCTAssertTrue(edit.succeeded)
            let grey = ScriptedSampler.grey(for: edit.intention.kind)
            XCTAssertEqual(try RasterImage(edit.image), try RasterImage(width: 8, height: 8, format: .rgb, fill: [grey, grey, grey]))
            XCTAssertEqual(edit.qualityLogit, Float(edit.intention.kind.rawValue) / 10)
            XCTAssertEqual(edit.details.seed, result.seed)
            XCTAssertFalse(edit.details.hasImage, "the image is sent once, in `image`")
            XCTAssertTrue(["sampler-a", "sampler-b"].contains(edit.workerID))
        }

        XCTAssertEqual(progress.first?.gatewayStage, .reason)
        XCTAssertEqual(progress.filter { $0.gatewayStage == .edit }.count, 3 * Int(ScriptedSampler.steps))
        for index in 0..<3 {
            let steps = progress.filter { $0.gatewayStage == .edit && $0.intentionIndex == index }
            XCTAssertEqual(steps.map(\.step), [1, 2, 3])
            XCTAssertEqual(steps.map(\.message), ["sample", "sample", "sample"])
        }
        let edited = progress.filter { $0.gatewayStage == .edited }
        XCTAssertEqual(Set(edited.map(\.intentionIndex)), [0, 1, 2])
        XCTAssertEqual(edited.sorted { $0.intentionIndex < $1.intentionIndex }.map(\.edit), result.edits)
    }

    func testCallerGivenIntentionsSkipTheReasonerAndAreRenormalisedBestFirst() async throws {
        let sampler = ScriptedSampler(duration: .milliseconds(30))
        try bus.addSampler(sampler, workerID: "sampler-a")
        var request = try GatewayRequests.rightEdgeDrag()
        request.intentions = [
            GatewayRequests.intention(.move, 0.2, target: "a red circle further right"),
            GatewayRequests.intention(.enlarge, 0.6, target: "a large red circle"),
        ]

        let (progress, result) = try await bus.edit(request)

        XCTAssertEqual(bus.reasoner.calls, 0)
        XCTAssertFalse(progress.contains { $0.gatewayStage == .reason })
        XCTAssertEqual(result.reasonerBackend, "caller")
        XCTAssertEqual(result.regionDescription, "")
        XCTAssertEqual(result.edits.map(\.rank), [1, 2])
        XCTAssertEqual(result.edits.map(\.intention.kind), [.enlarge, .move])
        XCTAssertEqual(result.edits.map(\.intention.targetPrompt), ["a large red circle", "a red circle further right"])
        XCTAssertEqual(result.edits[0].intention.confidence, 0.75, accuracy: 1e-6)
        XCTAssertEqual(result.edits[1].intention.confidence, 0.25, accuracy: 1e-6)
        XCTAssertEqual(progress.first { $0.gatewayStage == .intentions }?.intentions, result.edits.map(\.intention))
        XCTAssertEqual(sampler.calls.count, 2)
    }

    func testCallerGivenIntentionsWithoutConfidencesShareItEquallyInTheirOrder() async throws {
        try bus.addSampler(ScriptedSampler(duration: .milliseconds(30)), workerID: "sampler-a")
        var request = try GatewayRequests.rightEdgeDrag()
        request.intentions = [
            GatewayRequests.intention(.shrink, 0, target: "a small red circle"),
            GatewayRequests.intention(.move, 0, target: "a red circle further right"),
        ]

        let (_, result) = try await bus.edit(request)

        XCTAssertEqual(result.edits.map(\.intention.kind), [.shrink, .move])
        XCTAssertEqual(result.edits.map(\.intention.confidence), [0.5, 0.5])
    }

    // MARK: Failures

    func testAReasonerSlowerThanTheReasonTimeoutFailsTheRequestWithDeadlineExceeded() async throws {
        await bus.shutdown()
        bus = try GatewayBus(settings: GatewaySettings(reasonTimeout: .milliseconds(300)), reasonerDelay: .seconds(5))
        let sampler = ScriptedSampler(duration: .milliseconds(30))
        try bus.addSampler(sampler, workerID: "sampler-a")

        do {
            _ = try await bus.edit(try GatewayRequests.rightEdgeDrag())
            XCTFail("expected DEADLINE_EXCEEDED")
        } catch let error as RPCError {
            // The gateway's client and the reasoner's worker both watch the deadline; either may say so first.
            XCTAssertEqual(error.code, .deadlineExceeded)
            XCTAssertTrue([
                "the reasoner could not read the drag: lucid.v1.Reasoner.Reason did not finish within 0.3 seconds",
                "the reasoner could not read the drag: lucid.v1.Reasoner.Reason ran past its deadline",
            ].contains(error.message), error.message)
        }
        XCTAssertEqual(sampler.calls.count, 0)
    }

    func testAFailingEditIsReportedAsItsStatusWhileTheOthersSucceed() async throws {
        let sampler = ScriptedSampler(duration: .milliseconds(30), failing: [.move])
        try bus.addSampler(sampler, workerID: "sampler-a")
        var request = try GatewayRequests.rightEdgeDrag()
        request.intentions = [
            GatewayRequests.intention(.enlarge, 0.5, target: "a large red circle"),
            GatewayRequests.intention(.move, 0.3, target: "a red circle further right"),
            GatewayRequests.intention(.stretchHorizontal, 0.2, target: "a wide red ellipse"),
        ]

        let (progress, result) = try await bus.edit(request)

        XCTAssertEqual(result.edits.map(\.succeeded), [true, false, true])
        let failed = result.edits[1]
        XCTAssertEqual(failed.rank, 2)
        XCTAssertEqual(failed.intention.kind, .move)
        XCTAssertEqual(failed.status.code, .resourceExhausted)
        XCTAssertEqual(failed.status.message, ScriptedSampler.failure(for: .move))
        XCTAssertFalse(failed.hasImage)
        XCTAssertEqual(progress.first { $0.gatewayStage == .edited && $0.intentionIndex == 1 }?.edit, failed)
        for edit in [result.edits[0], result.edits[2]] {
            XCTAssertEqual(try RasterImage(edit.image).width, 8)
        }
    }

    func testWhenEveryEditFailsTheResultStillArrivesWithEachStatus() async throws {
        try bus.addSampler(nil, workerID: "sampler-without-edit")

        let (_, result) = try await bus.edit(try GatewayRequests.rightEdgeDrag())

        XCTAssertEqual(result.edits.count, 3)
        for edit in result.edits {
            XCTAssertEqual(edit.status.code, .unimplemented)
            XCTAssertEqual(edit.status.message, "lucid.v1.Sampler has no method \"Edit\"")
        }
        XCTAssertEqual(result.edits.map(\.intention.kind), [.enlarge, .move, .stretchHorizontal])
    }

    func testBadRequestsGetInvalidArgumentNamingTheProblem() async throws {
        let sampler = ScriptedSampler(duration: .milliseconds(30))
        try bus.addSampler(sampler, workerID: "sampler-a")
        let good = try GatewayRequests.rightEdgeDrag()
        func with(_ change: (inout Lucid_V1_GatewayEditRequest) throws -> Void) rethrows -> Lucid_V1_GatewayEditRequest {
            var request = good
            try change(&request)
            return request
        }
        let nine = (0..<9).map { GatewayRequests.intention(.move, 0.1, target: "a red circle \($0)") }
        let cases: [(Lucid_V1_GatewayEditRequest, String)] = [
            (with { $0.clearImage() }, "no image: give the picture to edit as PNG or JPEG bytes or raw pixels"),
            (with { $0.image.encoded = Data("not an image".utf8) },
             "image: the image cannot be decoded: the bytes are neither a PNG nor a JPEG file"),
            (with { $0.clearMask() }, "no mask: give the editable region as a 96×96 mask (non-zero = editable)"),
            (try with { $0.mask = try BinaryMask(width: 48, height: 48, value: true).pngMessage() },
             "the mask is 48×48 but the image is 96×96"),
            (try with { $0.mask = try BinaryMask(width: 96, height: 96).pngMessage() },
             "the mask is empty: mark the editable region with non-zero pixels"),
            (with { $0.pairs = [] }, "no point pairs: give at least one handle → target drag"),
            (with { $0.pairs = [DiscScene.pair(57, 48, 130, 48)] }, "pair 0: the target (130.0, 48.0) is outside the 96×96 image"),
            (with { $0.pairs.append(DiscScene.pair(.nan, 48, 60, 48)) }, "pair 1: the handle (nan, 48.0) is not a finite point"),
            (with { $0.pairs = [DiscScene.pair(57, 48, 57, 48)] }, "pair 0: the handle equals the target (57.0, 48.0); a drag must move"),
            (with { $0.numIntentions = 9 }, "num_intentions must be between 1 and 8 (0 means 3), got 9"),
            (with { $0.options.steps = 1001 }, "steps (options.steps) must be between 1 and 1000 (0 means the sampler's default), got 1001"),
            (with { $0.intentions = nine }, "at most 8 intentions can be edited at once, got 9"),
            (with { $0.intentions = [GatewayRequests.intention(.move, 1, target: "  ")] },
             "intention 0: the target prompt is empty; say what the image should show after the drag"),
            (with { $0.intentions = [GatewayRequests.intention(.move, 0.5, target: "a"), GatewayRequests.intention(.enlarge, 1.5, target: "b")] },
             "intention 1: the confidence 1.5 is not in [0, 1]"),
            (with { $0.intentions = [GatewayRequests.intention(.move, .infinity, target: "a")] },
             "intention 0: the confidence inf is not in [0, 1]"),
        ]
        for (request, message) in cases {
            do {
                _ = try await bus.edit(request)
                XCTFail("expected INVALID_ARGUMENT: \(message)")
            } catch let error as RPCError {
                XCTAssertEqual(error, RPCError(code: .invalidArgument, message: message))
            }
        }
        XCTAssertEqual(bus.reasoner.calls, 0)
        XCTAssertEqual(sampler.calls.count, 0)
    }

    // MARK: Seed and inversion prompt

    func testEveryIntentionSharesADrawnSeedAndTheCaptionAsInversionPrompt() async throws {
        let sampler = ScriptedSampler(duration: .milliseconds(30))
        try bus.addSampler(sampler, workerID: "sampler-a")
        var request = try GatewayRequests.rightEdgeDrag()
        request.caption = " a red circle on a grey background "

        let (_, first) = try await bus.edit(request)
        let (_, second) = try await bus.edit(request)

        let calls = sampler.calls
        XCTAssertEqual(calls.count, 6)
        XCTAssertEqual(calls[0..<3].map(\.options.seed), [first.seed, first.seed, first.seed])
        XCTAssertEqual(calls[3..<6].map(\.options.seed), [second.seed, second.seed, second.seed])
        XCTAssertTrue(calls.allSatisfy(\.options.hasSeed))
        XCTAssertNotEqual(first.seed, second.seed, "an unset seed is drawn anew for each request")
        XCTAssertEqual(Set(calls.map(\.options.inversionPrompt)), ["a red circle on a grey background"])
    }

    func testAGivenSeedIsKeptAndWithoutACaptionTheBestSourcePromptIsInverted() async throws {
        let sampler = ScriptedSampler(duration: .milliseconds(30))
        try bus.addSampler(sampler, workerID: "sampler-a")
        var request = try GatewayRequests.rightEdgeDrag()
        request.options.seed = 42
        request.options.steps = 20
        request.intentions = [
            GatewayRequests.intention(.move, 0.3, source: "a red dot", target: "a red dot further right"),
            GatewayRequests.intention(.enlarge, 0.7, source: "a small red dot", target: "a large red dot"),
        ]

        let (_, result) = try await bus.edit(request)

        XCTAssertEqual(result.seed, 42)
        let calls = sampler.calls
        XCTAssertEqual(calls.map(\.options.seed), [42, 42])
        XCTAssertEqual(calls.map(\.options.steps), [20, 20])
        XCTAssertEqual(calls.map(\.options.inversionPrompt), ["a small red dot", "a small red dot"])

        request.options.inversionPrompt = "a red dot on grey"
        _ = try await bus.edit(request)
        XCTAssertEqual(sampler.calls[2...].map(\.options.inversionPrompt), ["a red dot on grey", "a red dot on grey"])
    }

    // MARK: Cancellation

    func testCancellingTheGatewayRequestCancelsTheSamplerEditsInFlight() async throws {
        let sampler = ScriptedSampler(duration: .seconds(30))
        try bus.addSampler(sampler, workerID: "sampler-a")
        try bus.addSampler(sampler, workerID: "sampler-b")
        let request = try GatewayRequests.rightEdgeDrag()
        let client = bus.client
        let caller = Task {
            let events = client.stream(
                service: "lucid.v1.Gateway", method: "Edit", request,
                progress: Lucid_V1_GatewayEditReply.self, returning: Lucid_V1_GatewayEditReply.self, deadline: .seconds(60))
            for try await _ in events {}
        }

        try await waitUntil { sampler.calls.count == 2 }
        caller.cancel()

        // The third edit was queued in the broker; it is dropped there or, when a cancelled edit's
        // sampler took it first, cancelled on that sampler too. None runs to its end.
        try await waitUntil { sampler.calls.allSatisfy(\.cancelled) }
        try await Task.sleep(for: .milliseconds(300))
        let calls = sampler.calls
        XCTAssertTrue((2...3).contains(calls.count), "\(calls.count) edits started")
        XCTAssertEqual(calls.filter { !$0.cancelled || $0.ended == nil }.count, 0)
    }

    /// Polls `condition` every 20 ms for up to 5 s.
    private func waitUntil(_ condition: () -> Bool, file: StaticString = #filePath, line: UInt = #line) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition() {
            guard ContinuousClock.now < deadline else { return XCTFail("condition not met within 5 s", file: file, line: line) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

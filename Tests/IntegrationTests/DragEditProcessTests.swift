/// The drag edit through real processes over ipc://: gateway, reasoner, two samplers and a
/// discriminator answer one Gateway.Edit with three different edits of dev task 0032 that change
/// the masked region and keep the outside; a sampler killed with SIGKILL mid-edit does not lose the
/// request (the broker re-queues it to another sampler, which gives the same image for the same
/// seed); a discriminator killed mid-edit costs the edit its quality guidance, and the result says so.
import Foundation
import LucidBus
import LucidImage
import LucidProto
import LucidTestSupport
import XCTest

final class DragEditProcessTests: XCTestCase {
    private func request(intentions: Int, steps: UInt32) throws -> Lucid_V1_GatewayEditRequest {
        try Task0032.gatewayRequest(intentions: intentions, steps: steps, seed: 11, caption: Task0032.caption)
    }

    func testThreeIntentionsAreEditedAcrossTwoSamplerProcesses() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        try group.worker("luciddrag-discriminator", bus: bus, id: "discriminator-1")
        try group.worker("luciddrag-sampler", bus: bus, id: "sampler-1", ["--threads", "1"])
        try group.worker("luciddrag-sampler", bus: bus, id: "sampler-2", ["--threads", "1"])
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["sampler-1", "sampler-2"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))
        try await group.waitForWorkers(["discriminator-1"], of: "lucid.v1.Discriminator", client: client, timeout: .seconds(60))

        var announced: [Lucid_V1_Intention] = []
        let result = try await client.gatewayEdit(request(intentions: 3, steps: 20)) { progress in
            if progress.stage == "intentions" { announced = progress.intentions }
        }
        await client.shutdown()
        await group.stopAll()

        let input = try PNGCodec.decode(Data(contentsOf: Task0032.folder.appendingPathComponent("input.png")))
        let mask = BinaryMask(nonZeroIn: try PNGCodec.decode(Data(contentsOf: Task0032.folder.appendingPathComponent("mask.png"))))
        XCTAssertEqual(announced.count, 3, "the intentions were streamed before the edits")
        XCTAssertEqual(result.edits.map(\.rank), [1, 2, 3])
        XCTAssertEqual(result.edits.map(\.intention), announced)
        XCTAssertEqual(result.seed, 11)
        XCTAssertEqual(Set(result.edits.map(\.workerID)), ["sampler-1", "sampler-2"], group.output)
        var images: [RasterImage] = []
        for edit in result.edits {
            XCTAssertEqual(edit.status.code, .ok, edit.status.message)
            XCTAssertTrue(edit.details.qualityGuidanceApplied, edit.details.note)
            let image = try RasterImage(edit.image)
            let outside = psnr(image, input) { !mask[$0, $1] }, inside = psnr(image, input) { mask[$0, $1] }
            print("edit \(edit.rank) (\(edit.intention.description_p)): outside-mask PSNR \(outside) dB, inside \(inside) dB, "
                  + "\(edit.details.seconds) s on \(edit.workerID)")
            XCTAssertGreaterThan(outside, 18)
            XCTAssertLessThan(inside, outside - 3)
            images.append(image)
        }
        for i in 0..<images.count {
            for j in (i + 1)..<images.count {
                let distance = psnr(images[i], images[j]) { mask[$0, $1] }
                print("edits \(i + 1) and \(j + 1): PSNR between them inside the mask \(distance) dB")
                XCTAssertLessThan(distance, 40, "edits \(i + 1) and \(j + 1) are (nearly) the same")
            }
        }
    }

    func testASamplerKilledMidEditDoesNotLoseTheRequest() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        let doomed = try group.worker("luciddrag-sampler", bus: bus, id: "sampler-doomed", ["--quality", "none"])
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["sampler-doomed"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))

        var killed = false
        let result = try await client.gatewayEdit(request(intentions: 1, steps: 30)) { progress in
            guard !killed, progress.stage == "edit", progress.message == "sample", progress.step >= 2 else { return }
            killed = true
            try group.worker("luciddrag-sampler", bus: bus, id: "sampler-survivor", ["--quality", "none"])
            try await Task.sleep(for: .seconds(1))
            doomed.signal(SIGKILL)
        }
        let again = try await client.gatewayEdit(request(intentions: 1, steps: 30))
        await client.shutdown()
        await group.stopAll()
        XCTAssertTrue(killed)
        XCTAssertEqual(result.edits.count, 1)
        XCTAssertEqual(result.edits[0].status.code, .ok, result.edits[0].status.message + group.output)
        XCTAssertEqual(result.edits[0].workerID, "sampler-survivor")
        XCTAssertEqual(try RasterImage(again.edits[0].image), try RasterImage(result.edits[0].image),
                       "the re-queued edit is the one the same seed gives")
    }

    func testADiscriminatorKilledMidEditCostsOnlyTheQualityGuidance() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        try group.worker("luciddrag-reasoner", bus: bus, id: "reasoner-1")
        let discriminator = try group.worker("luciddrag-discriminator", bus: bus, id: "discriminator-1")
        try group.worker("luciddrag-sampler", bus: bus, id: "sampler-1")
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["sampler-1"], of: "lucid.v1.Sampler", client: client, timeout: .seconds(60))
        try await group.waitForWorkers(["discriminator-1"], of: "lucid.v1.Discriminator", client: client, timeout: .seconds(60))

        var killed = false
        let result = try await client.gatewayEdit(request(intentions: 1, steps: 20)) { progress in
            guard !killed, progress.stage == "edit", progress.message == "sample", progress.step >= 2 else { return }
            killed = true
            discriminator.signal(SIGKILL)
        }
        await client.shutdown()
        await group.stopAll()
        let edit = try XCTUnwrap(result.edits.first)
        XCTAssertEqual(edit.status.code, .ok, edit.status.message + group.output)
        XCTAssertFalse(edit.details.qualityGuidanceApplied)
        XCTAssertTrue(edit.details.note.hasPrefix("quality guidance stopped at step"), edit.details.note)
        XCTAssertTrue(edit.qualityLogit.isNaN, "no final score without a discriminator")
    }
}

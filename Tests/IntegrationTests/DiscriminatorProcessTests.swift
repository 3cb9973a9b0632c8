// luciddrag-discriminator as a real process behind a real gateway over ipc://: it serves the shipped
// demo model's discriminator (Score, and Health naming the model), and refuses to start without one.
import Foundation
import LucidBus
import LucidProto
import LucidTestSupport
import XCTest

final class DiscriminatorProcessTests: XCTestCase {
    func testADiscriminatorProcessScoresALatentAndItsHealthNamesTheModel() async throws {
        let group = try ProcessGroup()
        let bus = group.directory.ipc()
        try group.gateway(bus: bus)
        try group.worker("luciddrag-discriminator", bus: bus, id: "discriminator-1", ["--threads", "1"])
        let client = try RPCClient(endpoint: BusEndpoint(bus))
        try await group.waitForWorkers(["discriminator-1"], of: "lucid.v1.Discriminator", client: client)

        let health = try await client.health(service: "lucid.v1.Discriminator", deadline: .seconds(5))
        XCTAssertEqual(health.model, "demo-world@b4a0c66ecb571d55")
        XCTAssertEqual(health.busy, 0)

        var request = Lucid_V1_ScoreRequest()
        request.latent.shape = [1, 4, 32, 32]
        request.latent.data = Data(count: 4 * 32 * 32 * 4)  // zeros
        request.timesteps = [100]
        request.wantGradient = true
        let response: Lucid_V1_ScoreResponse = try await client.call(
            service: "lucid.v1.Discriminator", method: "Score", request, deadline: .seconds(30))
        XCTAssertEqual(response.logits.count, 1)
        XCTAssertEqual(response.logD.count, 1)
        XCTAssertEqual(response.gradient.shape, [1, 4, 32, 32])
        XCTAssertEqual(response.gradient.data.count, 4 * 32 * 32 * 4)
        XCTAssertEqual(response.model, "demo-world@b4a0c66ecb571d55")

        await client.shutdown()
        await group.stopAll()
    }

    func testADiscriminatorWithAMissingOrDamagedModelFolderExitsOneNamingThePath() async throws {
        let group = try ProcessGroup()
        let missing = try group.worker("luciddrag-discriminator", bus: group.directory.ipc(), id: "no-model",
                                       ["--model", "/nonexistent"])
        let missingStatus = await missing.waitForExit(timeout: .seconds(10))
        XCTAssertEqual(missingStatus, 1, missing.output)
        XCTAssertTrue(missing.output.contains("cannot start: --model: model folder /nonexistent does not exist"),
                      missing.output)

        // A discriminator folder whose weights file was cut short.
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/demo-world/discriminator")
        let damaged = group.directory.url.appendingPathComponent("damaged")
        try FileManager.default.copyItem(at: shipped, to: damaged)
        let weights = damaged.appendingPathComponent("diffusion_pytorch_model.safetensors")
        try Data(try Data(contentsOf: weights).prefix(1000)).write(to: weights)
        let broken = try group.worker("luciddrag-discriminator", bus: group.directory.ipc(), id: "damaged-model",
                                      ["--model", damaged.path])
        let brokenStatus = await broken.waitForExit(timeout: .seconds(10))
        XCTAssertEqual(brokenStatus, 1, broken.output)
        XCTAssertTrue(broken.output.contains("cannot start: \(weights.path): truncated safetensors file"), broken.output)
    }
}

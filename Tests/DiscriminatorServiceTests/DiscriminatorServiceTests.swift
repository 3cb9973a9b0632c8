/// lucid.v1.Discriminator.Score behind a real broker on inproc://: the demo model's golden latent
/// scores as in PyTorch, Health names the model, and each kind of bad request gets INVALID_ARGUMENT
/// with a message that says what is wrong while the worker keeps serving.
import Foundation
import Logging
import LucidBus
import LucidModels
import LucidProto
import LucidTensor
import XCTest
@testable import LucidDiscriminatorService

final class DiscriminatorServiceTests: XCTestCase {
    private static let service = "lucid.v1.Discriminator"
    /// The demo model's identity (ModelIdentityTests computes the same in Python).
    private static let model = "demo-world@b4a0c66ecb571d55"
    /// Loaded once for every test of the class.
    private static let scorer = Result { try DiscriminatorScorer(folder: Fixtures.demoModel) }

    private var broker: MajordomoBroker!
    private var worker: ServiceWorker!
    private var client: RPCClient!

    override func setUp() async throws {
        let scorer = try Self.scorer.get()
        var logger = Logger(label: "discriminator-test")
        logger.logLevel = .critical
        broker = try MajordomoBroker(endpoints: [BusEndpoint.inproc(named: "disc-\(UUID().uuidString)")], logger: logger)
        let endpoint = broker.boundEndpoints[0]
        worker = ServiceWorker(service: Self.service, endpoint: endpoint,
                               configuration: .init(workerID: "disc-test", model: scorer.identity.description),
                               logger: logger)
        worker.serveDiscriminator(scorer)
        try worker.start()
        client = try RPCClient(endpoint: endpoint, logger: logger)
    }

    override func tearDown() async throws {
        await client.shutdown()
        await worker.shutdown()
        await broker.shutdown()
    }

    private func score(_ request: Lucid_V1_ScoreRequest) async throws -> Lucid_V1_ScoreResponse {
        try await client.call(service: Self.service, method: "Score", request, deadline: .seconds(60))
    }

    /// The golden latents `[2, 4, 32, 32]` at their golden timesteps.
    private func goldenRequest(gradient: Bool) throws -> Lucid_V1_ScoreRequest {
        let golden = try Fixtures.demoGolden()
        var request = Lucid_V1_ScoreRequest()
        request.latent = Lucid_V1_Tensor(try golden.tensor("disc_latent"))
        request.timesteps = try golden.tensor("disc_timesteps").scalars.map { Int32($0) }
        request.wantGradient = gradient
        return request
    }

    func testTheGoldenLatentScoresAsInPyTorchWithItsGradientAndTheModelsIdentity() async throws {
        let golden = try Fixtures.demoGolden()
        let request = try goldenRequest(gradient: true)
        XCTAssertEqual(request.timesteps.map(Float.init), try golden.tensor("disc_timesteps").scalars, "integer timesteps")
        let response = try await score(request)
        let errors = [
            relativeError(response.logits, try golden.tensor("disc_logits").scalars),
            relativeError(response.logD, try golden.tensor("disc_log_d").scalars),
            relativeError(floats(response.gradient), try golden.tensor("disc_grad").scalars),
        ]
        print("Discriminator service parity: logits \(errors[0]), log D \(errors[1]), gradient \(errors[2])")
        XCTAssertLessThan(errors[0], 1e-4)
        XCTAssertLessThan(errors[1], 1e-4)
        XCTAssertEqual(response.gradient.shape, [2, 4, 32, 32])
        XCTAssertLessThan(errors[2], 1e-3)
        XCTAssertEqual(response.model, Self.model)
    }

    func testWithoutWantGradientTheAnswerHasTheSameLogitsAndNoGradient() async throws {
        let withGradient = try await score(try goldenRequest(gradient: true))
        let withoutGradient = try await score(try goldenRequest(gradient: false))
        XCTAssertEqual(withoutGradient.logits, withGradient.logits)
        XCTAssertEqual(withoutGradient.logD, withGradient.logD)
        XCTAssertFalse(withoutGradient.hasGradient)
    }

    func testOneTimestepForTheWholeBatchScoresEachLatentAtIt() async throws {
        var single = try goldenRequest(gradient: false)
        single.timesteps = [single.timesteps[0]]
        var repeated = single
        repeated.timesteps = [single.timesteps[0], single.timesteps[0]]
        let one = try await score(single)
        let two = try await score(repeated)
        XCTAssertEqual(one.logits, two.logits)
    }

    func testHealthReportsTheModelIdentity() async throws {
        let health = try await client.health(service: Self.service, deadline: .seconds(5))
        XCTAssertEqual(health.model, Self.model)
        XCTAssertEqual(health.workerID, "disc-test")
    }

    func testEachBadRequestGetsInvalidArgumentNamingTheProblemAndTheWorkerKeepsServing() async throws {
        let good = try goldenRequest(gradient: false)
        func latent(_ shape: [Int64], count: Int? = nil, poisonAt: Int? = nil, value: Float = .nan) -> Lucid_V1_Tensor {
            let elements = count ?? Int(shape.reduce(1, *))
            var values = [Float](repeating: 0.5, count: elements)
            if let poisonAt { values[poisonAt] = value }
            var tensor = Lucid_V1_Tensor()
            tensor.shape = shape
            tensor.data = values.withUnsafeBytes { Data($0) }
            return tensor
        }
        func request(_ latent: Lucid_V1_Tensor?, timesteps: [Int32] = [500]) -> Lucid_V1_ScoreRequest {
            var request = Lucid_V1_ScoreRequest()
            if let latent { request.latent = latent }
            request.timesteps = timesteps
            return request
        }
        let model = Self.model
        let cases: [(Lucid_V1_ScoreRequest, String)] = [
            (request(nil), "the request has no latent"),
            (request(latent([4, 32, 32])), "latent has shape [4, 32, 32]; discriminator \(model) takes [B, 4, H, W]"),
            (request(latent([0, 4, 32, 32])), "latent has shape [0, 4, 32, 32]; every dimension must be at least 1"),
            (request(latent([1, 3, 32, 32])), "latent has 3 channels; discriminator \(model) takes 4"),
            (request(latent([1, 4, 30, 32])),
             "latent is 30×32; discriminator \(model) takes H and W that are multiples of 4"),
            (request(latent([1, 4, 32, 32], count: 4095)),
             "latent data has 16380 bytes; shape [1, 4, 32, 32] needs 16384 (4 per float32)"),
            (request(latent([1, 4, 32, 32], poisonAt: 17)), "latent holds NaN or infinite values (the first at element 17)"),
            (request(latent([1, 4, 32, 32], poisonAt: 4095, value: -.infinity)),
             "latent holds NaN or infinite values (the first at element 4095)"),
            (request(latent([2, 4, 32, 32]), timesteps: [1, 2, 3]),
             "3 timesteps for a batch of 2; give one per latent or a single one for all"),
            (request(latent([1, 4, 32, 32]), timesteps: []),
             "0 timesteps for a batch of 1; give one per latent or a single one for all"),
            (request(latent([1, 4, 32, 32]), timesteps: [1000]), "timestep 1000 is outside [0, 999]"),
            (request(latent([2, 4, 32, 32]), timesteps: [10, -1]), "timestep -1 is outside [0, 999]"),
        ]
        for (bad, message) in cases {
            do {
                _ = try await score(bad)
                XCTFail("accepted: \(message)")
            } catch let error as RPCError {
                XCTAssertEqual(error, RPCError(code: .invalidArgument, message: message))
            }
            let answer = try await score(good)
            XCTAssertEqual(answer.logits.count, 2, "a good call after: \(message)")
        }
    }

    /// The float32 values of a lucid.v1.Tensor.
    private func floats(_ tensor: Lucid_V1_Tensor) -> [Float] {
        tensor.data.withUnsafeBytes { bytes in
            (0..<bytes.count / 4).map {
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            }
        }
    }
}

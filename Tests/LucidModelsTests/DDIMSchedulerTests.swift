/// The DDIM scheduler against diffusers' `DDIMScheduler` / `DDIMInverseScheduler` goldens.
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class DDIMSchedulerTests: XCTestCase {
    private var golden: SafetensorsFile!

    override func setUpWithError() throws {
        golden = try Fixtures.golden("ddim")
    }

    private func integers(_ name: String) throws -> [Int] {
        try golden.tensor(name).scalars.map { Int($0) }
    }

    func testFiftyLeadingStepsOfSD15Are981DownTo1() throws {
        let scheduler = try DDIMScheduler(steps: 50)
        XCTAssertEqual(scheduler.timesteps.first, 981)
        XCTAssertEqual(scheduler.timesteps.last, 1)
        XCTAssertEqual(scheduler.timesteps, try integers("timesteps_leading_50"))
        XCTAssertEqual(scheduler.inversionTimesteps.first, 1)
    }

    func testTrailingAndLinspaceSpacingMatchDiffusers() throws {
        var configuration = DDIMSchedulerConfiguration()
        configuration.timestepSpacing = .trailing
        XCTAssertEqual(try DDIMScheduler(steps: 50, configuration: configuration).timesteps, try integers("timesteps_trailing_50"))
        configuration.timestepSpacing = .linspace
        XCTAssertEqual(try DDIMScheduler(steps: 50, configuration: configuration).timesteps, try integers("timesteps_linspace_50"))
    }

    func testCumulativeAlphasOfTheScaledLinearScheduleMatch() throws {
        let scheduler = try DDIMScheduler(steps: 50)
        let expected = try golden.tensor("alphas_cumprod")
        XCTAssertLessThan(relativeError(try Tensor(shape: [1000], values: scheduler.alphasCumprod), expected), 1e-6)
    }

    func testDeterministicStepAndPredictedOriginalMatch() throws {
        let scheduler = try DDIMScheduler(steps: 50)
        let out = try scheduler.step(
            modelOutput: golden.tensor("model_output"), timestep: 981, sample: golden.tensor("sample"), eta: 0)
        XCTAssertLessThan(relativeError(out.previousSample, try golden.tensor("step_t981_eta0")), 1e-5)
        XCTAssertLessThan(relativeError(out.predictedOriginalSample, try golden.tensor("step_t981_eta0_pred_x0")), 1e-5)
    }

    func testStochasticStepAddsTheGivenNoiseScaledBySigma() throws {
        let scheduler = try DDIMScheduler(steps: 50)
        let out = try scheduler.step(
            modelOutput: golden.tensor("model_output"), timestep: 501, sample: golden.tensor("sample"),
            eta: 0.5, noise: golden.tensor("noise"))
        XCTAssertLessThan(relativeError(out.previousSample, try golden.tensor("step_t501_eta0.5")), 1e-5)
    }

    func testTheLastStepUsesAlphaZeroWhenAlphaIsNotSetToOne() throws {
        let scheduler = try DDIMScheduler(steps: 50)
        let out = try scheduler.step(modelOutput: golden.tensor("model_output"), timestep: 1, sample: golden.tensor("sample"))
        XCTAssertLessThan(relativeError(out, try golden.tensor("step_t1_eta0")), 1e-5)
    }

    func testVPredictionStepMatches() throws {
        var configuration = DDIMSchedulerConfiguration()
        configuration.predictionType = .vPrediction
        let scheduler = try DDIMScheduler(steps: 50, configuration: configuration)
        let out = try scheduler.step(modelOutput: golden.tensor("model_output"), timestep: 501, sample: golden.tensor("sample"))
        XCTAssertLessThan(relativeError(out, try golden.tensor("step_v_prediction_t501_eta0")), 1e-5)
    }

    func testInversionStepsMatchDDIMInverseScheduler() throws {
        let scheduler = try DDIMScheduler(steps: 50)
        let eps = try golden.tensor("model_output"), x = try golden.tensor("sample")
        XCTAssertLessThan(relativeError(try scheduler.invert(modelOutput: eps, timestep: 21, sample: x),
                                        try golden.tensor("invert_t1_to_t21")), 1e-5)
        XCTAssertLessThan(relativeError(try scheduler.invert(modelOutput: eps, timestep: 981, sample: x),
                                        try golden.tensor("invert_t961_to_t981")), 1e-5)
    }

    func testInvertingThenSteppingBackRecoversTheSampleForAFixedNoisePrediction() throws {
        let scheduler = try DDIMScheduler(steps: 50)
        let eps = try golden.tensor("model_output"), x = try golden.tensor("sample")
        let noisier = try scheduler.invert(modelOutput: eps, timestep: 501, sample: x)
        let back = try scheduler.step(modelOutput: eps, timestep: 501, sample: noisier)
        XCTAssertLessThan(relativeError(back, x), 1e-5)
    }

    func testAddNoiseMatches() throws {
        let scheduler = try DDIMScheduler(steps: 50)
        let noised = try scheduler.addNoise(original: golden.tensor("sample"), noise: golden.tensor("noise"), timestep: 501)
        XCTAssertLessThan(relativeError(noised, try golden.tensor("add_noise_t501")), 1e-5)
    }

    func testBadStepRequestsAreTypedErrors() throws {
        XCTAssertThrowsError(try DDIMScheduler(steps: 0)) { error in
            XCTAssertEqual(error as? SchedulerError, .invalidStepCount(0, trainTimesteps: 1000))
        }
        let scheduler = try DDIMScheduler(steps: 50)
        let x = Tensor(zeros: [1, 4, 2, 2])
        XCTAssertThrowsError(try scheduler.step(modelOutput: x, timestep: 1000, sample: x)) { error in
            XCTAssertEqual(error as? SchedulerError, .timestepOutOfRange(1000, trainTimesteps: 1000))
        }
        XCTAssertThrowsError(try scheduler.step(modelOutput: x, timestep: 501, sample: x, eta: 1)) { error in
            XCTAssertEqual(error as? SchedulerError, .noiseRequired(eta: 1))
        }
        var thresholded = DDIMSchedulerConfiguration()
        thresholded.thresholding = true
        XCTAssertThrowsError(try DDIMScheduler(steps: 50, configuration: thresholded))
    }
}

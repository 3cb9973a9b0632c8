/// The tiny UNet driving models-io's DDIM scheduler for 50 steps with classifier-free guidance,
/// against the same loop in PyTorch/diffusers.
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class UNetDDIMLoopTests: XCTestCase {
    func testFiftyGuidedDDIMStepsMatchDiffusers() throws {
        let unet = try loadTinyUNet()
        let context = try Fixtures.golden("unet_forward").tensor("encoder_hidden_states")
        let golden = try Fixtures.golden("ddim_loop")
        let guidance = try golden.tensor("guidance_scale").item()
        let scheduler = try DDIMScheduler(steps: 50)
        XCTAssertEqual(scheduler.timesteps.first, 981)

        var x = try golden.tensor("start")
        for (index, t) in scheduler.timesteps.enumerated() {
            let noise = try unet(concat([x, x], axis: 0), timestep: Float(t), encoderHiddenStates: context)
            let halves = try noise.chunked(2, axis: 0)
            let guided = try halves[0] + guidance * (halves[1] - halves[0])
            x = try scheduler.step(modelOutput: guided, timestep: t, sample: x)
            if index == 0 {
                XCTAssertLessThan(relativeError(x, try golden.tensor("after_first_step")), 1e-4, "after the first step")
            }
        }
        let error = relativeError(x, try golden.tensor("final"))
        print("DDIM loop parity (tiny, 50 steps, CFG \(guidance)): final latent relative error \(error)")
        XCTAssertLessThan(error, 1e-4)
    }
}

/// The Swift edit against its PyTorch twin (Benchmarks/reference/edit_reference.py, golden written by
/// Tests/Fixtures/edit/make_edit_golden.py) on the demo model, dev task 0032, a 10-step schedule
/// with every term on: VAE encoding, inversion with the memory bank, the patch copy, both energies
/// and their latent gradients, and the final latent of the guided loop (same noise draws).
import Foundation
import LucidEditing
import LucidImage
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class GuidedLoopParityTests: XCTestCase {
    private func golden() throws -> SafetensorsFile { try SafetensorsFile(path: Repository.editGolden.path) }

    /// The options the golden was made with.
    private func options(_ g: SafetensorsFile) throws -> EditingOptions {
        func value(_ name: String) throws -> Float { try g.tensor(name).scalars[0] }
        var o = EditingOptions()
        o.steps = Int(try value("steps"))
        o.guidanceScale = try value("guidance_scale")
        o.editWeight = try value("edit_weight")
        o.contentWeight = try value("content_weight")
        o.inpaintWeight = try value("inpaint_weight")
        o.energyScale = try value("energy_scale")
        o.stepFactor = try value("step_factor")
        o.semanticWeight = try value("semantic_weight")
        o.qualityWeight = try value("quality_weight")
        o.guidanceSteps = Int(try value("guidance_steps"))
        o.denseGuidanceSteps = Int(try value("dense_guidance_steps"))
        o.semanticSteps = Int(try value("semantic_steps"))
        o.memoryBankFrom = Int(try value("memory_bank_from"))
        o.sdeEta = try value("sde_eta")
        o.sdeSteps = Int(try value("sde_from"))...Int(try value("sde_to"))
        o.timeTravel = try value("time_travel") != 0
        o.timeTravelSteps = try g.tensor("time_travel_steps").scalars.map { Int($0) }
        o.timeTravelRepeats = Int(try value("time_travel_repeats"))
        o.window = Int(try value("window"))
        o.featureBlocks = try g.tensor("feature_blocks").scalars.map { Int($0) }
        o.featureStride = Int(try value("feature_stride"))
        o.inversionStrength = 1  // from z_T, as method.md has it
        o.blendOutsideFrom = o.steps  // the twin follows method.md, which does not blend
        return o
    }

    private func text(_ g: SafetensorsFile, _ name: String) throws -> String {
        String(decoding: try g.tensor(name).scalars.map { UInt8($0) }, as: UTF8.self)
    }

    private func assertParity(_ name: String, _ actual: Tensor, _ expected: Tensor, tolerance: Float) {
        let error = relativeError(actual, expected)
        print("Edit parity: \(name) relative error \(error)")
        XCTAssertLessThan(error, tolerance, name)
    }

    func testTheGuidedLoopMatchesItsPyTorchTwin() throws {
        let g = try golden()
        let model = try EditingModel(folder: Repository.demoModel)
        let options = try options(g)
        let scheduler = try DDIMScheduler(steps: options.steps, configuration: model.schedulerConfiguration)
        let bridge = LatentBridge(model: model)

        let z0 = try bridge.encode(try g.tensor("image"))
        assertParity("z0 (VAE encode)", z0, try g.tensor("z0"), tolerance: 1e-4)
        let source = try text(g, "source_utf8"), target = try text(g, "target_utf8")
        let prompts = try model.encode(prompts: ["", target, source]).chunked(3, axis: 0)
        let inversion = try DDIMInversion(unet: model.unet, scheduler: scheduler).invert(z0, context: prompts[2])

        let maskValues = try g.tensor("mask").scalars
        var mask = BinaryMask(width: 128, height: 128)
        for y in 0..<128 { for x in 0..<128 { mask[x, y] = maskValues[y * 128 + x] != 0 } }
        let pairs = try g.tensor("pairs").scalars
        let pair = DragPair(handle: DragPoint(x: pairs[0], y: pairs[1]), target: DragPoint(x: pairs[2], y: pairs[3]))
        let geometry = try DragGeometry(mask: mask, pairs: [pair], latentFactor: model.latentFactor,
                                        featureStride: options.featureStride, window: options.window)
        let sampler = try CollaborativeSampler(
            unet: model.unet, scheduler: scheduler, options: options, inversion: inversion, geometry: geometry,
            contexts: IntentionContexts(unconditional: prompts[0], target: prompts[1], source: prompts[2]))
        assertParity("inverted z_T", inversion.references[scheduler.timesteps[0]]!, try g.tensor("inverted"), tolerance: 1e-4)
        let start = try sampler.startLatent()
        assertParity("start latent (patch copy)", start, try g.tensor("start"), tolerance: 1e-4)

        let energies = try sampler.energies(try g.tensor("energy_latent"), timestep: Int(try g.tensor("energy_timestep").item()))
        assertParity("λE_edit", Tensor(scalar: energies.edit), try g.tensor("energy_edit").reshaped([]), tolerance: 1e-4)
        assertParity("λE_content", Tensor(scalar: energies.content!), try g.tensor("energy_content").reshaped([]), tolerance: 1e-4)
        assertParity("∇λE_edit", energies.editGradient, try g.tensor("energy_edit_grad"), tolerance: 1e-3)
        assertParity("∇λE_content", energies.contentGradient!, try g.tensor("energy_content_grad"), tolerance: 1e-3)

        let quality = LocalQualityGuide(discriminator: try LatentDiscriminator(folder: Repository.demoModel.appendingPathComponent("discriminator")))
        let draws = try g.tensor("noises")
        var noise = ReplayedNoise(try draws.chunked(draws.shape[0], axis: 0).map { try $0.reshaped(Array(draws.shape.dropFirst())) })
        let outcome = try sampler.sample(from: start, quality: quality, noise: &noise)
        assertParity("final latent, \(options.steps) guided steps", outcome.latent, try g.tensor("final_latent"), tolerance: 1e-3)
        XCTAssertThrowsError(try noise.next([1, 4, 32, 32]), "every replayed draw was used")
    }
}

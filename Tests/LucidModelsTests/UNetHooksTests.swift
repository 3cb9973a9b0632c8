/// The sampler's hooks into the UNet: decoder self-attention keys/values (read and extended — the
/// memory bank), decoder block outputs, and a pass that stops after a given up block.
import LucidModels
import LucidTensor
import LucidTestSupport
import XCTest

final class UNetHooksTests: XCTestCase {
    /// The fixture's conditional batch-1 inputs at t = 981.
    private func inputs() throws -> (latent: Tensor, context: Tensor, timestep: Float) {
        let golden = try Fixtures.golden("unet_gradients")
        return (try golden.tensor("latent"), try golden.tensor("encoder_hidden_states"), try golden.tensor("timestep").item())
    }

    func testTheHookSeesEveryDecoderSelfAttentionWithTokenMajorKeysAndValues() throws {
        let unet = try loadTinyUNet()
        let (latent, context, t) = try inputs()
        var seen: [(DecoderSelfAttentionSite, [Int], [Int])] = []
        var observedBlocks: [Int] = []
        let hooks = UNetHooks(decoderSelfAttention: { site, keys, values in
            seen.append((site, keys.shape, values.shape))
            return (keys, values)
        }, upBlockOutput: { index, _ in observedBlocks.append(index) })
        let hooked = try unet.forward(latent, timestep: t, encoderHiddenStates: context, hooks: hooks)
        // Tiny config: up_blocks.0 is a plain UpBlock2D; up_blocks.1 has 2 transformers of depth 1 at 32×32, 32 channels.
        XCTAssertEqual(seen.map(\.0), [DecoderSelfAttentionSite(upBlock: 1, attention: 0, transformerBlock: 0),
                                       DecoderSelfAttentionSite(upBlock: 1, attention: 1, transformerBlock: 0)])
        XCTAssertEqual(seen.map(\.1), [[1, 1024, 32], [1, 1024, 32]])
        XCTAssertEqual(seen.map(\.2), [[1, 1024, 32], [1, 1024, 32]])
        XCTAssertEqual(seen.first?.0.description, "up_blocks.1.attentions.0.transformer_blocks.0.attn1")
        XCTAssertEqual(observedBlocks, [0, 1])
        let plain = try unet(latent, timestep: t, encoderHiddenStates: context)
        XCTAssertEqual(try XCTUnwrap(hooked.sample).scalars, plain.scalars, "an identity hook changes nothing")
    }

    func testDuplicatingTheKeysAndValuesLeavesTheOutputUnchangedButAForeignBankChangesIt() throws {
        let unet = try loadTinyUNet()
        let (latent, context, t) = try inputs()
        let plain = try unet(latent, timestep: t, encoderHiddenStates: context)

        // Attending over [k; k] and [v; v] gives every key the same weight as before.
        let doubled = UNetHooks(decoderSelfAttention: { _, keys, values in
            (try concat([keys, keys], axis: 1), try concat([values, values], axis: 1))
        })
        let same = try XCTUnwrap(unet.forward(latent, timestep: t, encoderHiddenStates: context, hooks: doubled).sample)
        XCTAssertLessThan(relativeError(same, plain), 1e-5)

        // A memory bank recorded from another latent, appended to each layer's own keys/values.
        var bank: [DecoderSelfAttentionSite: (Tensor, Tensor)] = [:]
        let record = UNetHooks(decoderSelfAttention: { site, keys, values in
            bank[site] = (keys, values)
            return (keys, values)
        })
        _ = try unet.forward(latent * -1, timestep: t, encoderHiddenStates: context, hooks: record)
        XCTAssertEqual(bank.count, 2)
        var extendedShapes: [[Int]] = []
        let extend = UNetHooks(decoderSelfAttention: { site, keys, values in
            guard let (storedKeys, storedValues) = bank[site] else { throw TensorError.invalidArgument("no bank for \(site)") }
            let extended = (try concat([keys, storedKeys], axis: 1), try concat([values, storedValues], axis: 1))
            extendedShapes.append(extended.0.shape)
            return extended
        })
        let banked = try XCTUnwrap(unet.forward(latent, timestep: t, encoderHiddenStates: context, hooks: extend).sample)
        XCTAssertEqual(extendedShapes, [[1, 2048, 32], [1, 2048, 32]])
        XCTAssertGreaterThan(relativeError(banked, plain), 1e-3, "the bank's keys/values take part in the attention")
    }

    func testAPassStoppedAfterAnUpBlockGivesTheSameFeaturesWithoutTheOutput() throws {
        let unet = try loadTinyUNet()
        let (latent, context, t) = try inputs()
        let full = try unet.forward(latent, timestep: t, encoderHiddenStates: context)
        let stopped = try unet.forward(latent, timestep: t, encoderHiddenStates: context, hooks: UNetHooks(stopAfterUpBlock: 0))
        XCTAssertNil(stopped.sample)
        XCTAssertEqual(stopped.upBlockOutputs.count, 1)
        XCTAssertEqual(stopped.upBlockOutputs[0].scalars, full.upBlockOutputs[0].scalars)

        let features = try unet.upBlockFeatures(latent, timestep: t, encoderHiddenStates: context, blocks: [1, 0])
        XCTAssertEqual(features.map(\.shape), [[1, 32, 32, 32], [1, 64, 32, 32]])
        XCTAssertEqual(features[0].scalars, full.upBlockOutputs[1].scalars)
        XCTAssertThrowsError(try unet.upBlockFeatures(latent, timestep: t, encoderHiddenStates: context, blocks: [2]))
    }
}

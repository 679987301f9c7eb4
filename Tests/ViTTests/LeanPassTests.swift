import SeededRandom
import Tensor
import Testing

@testable import ViT

@Suite("Lean passes of the batched methods")
struct LeanPassTests {
    static func model(distilled: Bool) -> ViTModel {
        let config = ViTConfig(
            imageSize: 32, patchSize: 8, embedDim: 48, depth: 3, heads: 3, classes: 10, distilled: distilled)
        return ViTModel(weights: .random(config: config, seed: 11, scale: 0.3))
    }

    static func input(batch: Int) -> Tensor {
        var generator = SplitMix64(seed: 5)
        return Tensor(
            shape: [batch, 3, 32, 32],
            storage: (0..<(batch * 3 * 32 * 32)).map { _ in Float.random(in: -1..<1, using: &generator) })
    }

    /// The same operations in the same order as the full forward and backward, so the values are equal bit for bit.
    @Test(
        "the input gradient equals the full backward's, bit for bit",
        arguments: [(false, BackwardTarget.logit), (false, .probability), (true, .logit)])
    func inputGradientIsExact(distilled: Bool, target: BackwardTarget) {
        let model = Self.model(distilled: distilled)
        let input = Self.input(batch: 3)
        let full = model.backward(model.forward(input), classes: [1, 7, 2], target: target).input
        let lean = model.inputGradients(input, classes: [1, 7, 2], target: target)
        #expect(lean.shape == full.shape)
        #expect(lean.storage == full.storage)
        #expect(full.storage.contains { $0 != 0 })
    }

    /// The detached last block on prefix rows against the all-rows standard backward: GEMMs of other row counts,
    /// so equal to float32 rounding.
    @Test(
        "the last block's attention gradient equals the full backward's",
        arguments: [(false, BackwardTarget.logit), (false, .probability), (true, .logit)])
    func lastBlockAttentionGradient(distilled: Bool, target: BackwardTarget) {
        let model = Self.model(distilled: distilled)
        let input = Self.input(batch: 2)
        let full = model.backward(model.forward(input), classes: [4, 9], target: target)
        let expected = full.blocks[full.blocks.count - 1].attention
        let lean = model.lastBlockAttentionGradients(input, classes: [4, 9], target: target)
        let scale = expected.storage.reduce(0) { max($0, abs($1)) }
        #expect(lean.shape == expected.shape && scale > 0)
        #expect(lean.maxAbsoluteDifference(to: expected) <= 1e-6 * scale)
    }

    @Test("the parameter count is timm's for ViT-B/16 and DeiT-S distilled")
    func parameterCount() {
        #expect(ViTConfig(embedDim: 768, depth: 12, heads: 12).parameterCount == 86_567_656)
        #expect(ViTConfig(embedDim: 384, depth: 12, heads: 6, distilled: true).parameterCount == 22_436_432)
    }
}

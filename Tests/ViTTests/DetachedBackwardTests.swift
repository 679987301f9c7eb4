import SeededRandom
import Tensor
import TestSupport
import Testing

@testable import ViT

@Suite("Prefix-row detached backward")
struct DetachedBackwardTests {
    /// The prefix-row pass against the all-rows pass in detached mode (which `BackwardParityTests` checks against
    /// PyTorch): every gradient within `1e-6 · max |all-rows|` (the GEMMs differ in row count only, so the
    /// values agree to float32 rounding), and the input gradient exactly zero.
    @Test(
        "equals the all-rows detached backward",
        arguments: [(false, BackwardTarget.logit), (false, .probability), (true, .logit)])
    func matchesAllRows(distilled: Bool, target: BackwardTarget) {
        let config = ViTConfig(
            imageSize: 32, patchSize: 8, embedDim: 48, depth: 3, heads: 3, classes: 10, distilled: distilled)
        let model = ViTModel(weights: .random(config: config, seed: 11, scale: 0.3))
        var generator = SplitMix64(seed: 5)
        let input = Tensor(
            shape: [2, 3, 32, 32],
            storage: (0..<(2 * 3 * 32 * 32)).map { _ in Float.random(in: -1..<1, using: &generator) })
        let trace = model.forward(input)
        let fast = model.backward(trace, classes: [1, 7], target: target, mode: .detachedAttentionInputs)
        let reference = model.allRowsBackward(trace, classes: [1, 7], target: target, mode: .detachedAttentionInputs)
        func check(_ actual: Tensor, _ expected: Tensor, _ label: String) {
            let scale = expected.storage.reduce(0) { max($0, abs($1)) }
            #expect(scale > 0, "\(label): all zero")
            #expect(actual.maxAbsoluteDifference(to: expected) <= 1e-6 * scale, "\(label)")
        }
        for (index, (actual, expected)) in zip(fast.blocks, reference.blocks).enumerated() {
            check(actual.attention, expected.attention, "block \(index) dA")
            check(actual.scores, expected.scores, "block \(index) dS")
            check(actual.blockInput, expected.blockInput, "block \(index) dInput")
        }
        check(fast.embeddings, reference.embeddings, "embeddings")
        #expect(fast.input.storage.allSatisfy { $0 == 0 } && reference.input.storage.allSatisfy { $0 == 0 })
        #expect(fast.input.shape == reference.input.shape && fast.logits == reference.logits)
    }
}

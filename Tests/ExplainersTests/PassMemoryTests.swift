import SeededRandom
import Tensor
import Testing
import ViT

@testable import Explainers

@Suite("Memory-sized batches and released products")
struct PassMemoryTests {
    @Test(
        "a chunk is what fits beside the model and the held products, at least 1 and at most every image",
        arguments: [
            (700, 343, 0, 98, 50, 2), (700, 343, 230, 98, 50, 1), (700, 4, 0, 10, 50, 50),
            (300, 4, 0, 10, 50, 17), (700, 2000, 0, 98, 50, 1),
        ])
    func chunk(targetMiB: Int, modelMB: Int, heldMB: Int, perImageMB: Int, images: Int, expected: Int) {
        let memory = PassMemory(targetMiB: targetMiB)
        let megabyte = 1_000_000
        #expect(
            memory.chunk(
                images: images, bytesPerImage: perImageMB * megabyte, modelBytes: modelMB * megabyte,
                heldBytes: heldMB * megabyte) == expected)
    }

    @Test("a released context holds nothing, and a product asked for again has the same values")
    func release() throws {
        let config = ViTConfig(imageSize: 32, patchSize: 8, embedDim: 48, depth: 2, heads: 3, classes: 5)
        let model = ViTModel(weights: .random(config: config, seed: 3, scale: 0.3))
        var generator = SplitMix64(seed: 9)
        let input = Tensor(
            shape: [1, 3, 32, 32], storage: (0..<(3 * 32 * 32)).map { _ in Float.random(in: -1..<1, using: &generator) }
        )
        let context = try ExplanationContext(model: model, input: input, targetClass: 2)
        let gradients = context.gradients()
        _ = context.relevance(rules: .ours)
        #expect(context.cachedLRPForward.count == 1)
        let held = context.heldBytes
        _ = context.relevance(rules: .original, toPixels: true)
        #expect(context.cachedLRPForward.count == 1, "both rule sets read one float64 forward")
        #expect(context.heldBytes > held)
        context.release(keepingWhat: [.gradients(.logit, .standard), .relevance(.original, toPixels: false)])
        #expect(context.cachedLRPForward.isEmpty, "a relevance already made needs no forward")
        context.release(keepingWhat: [.gradients(.logit, .standard)])
        let kept = context.heldBytes
        #expect(kept > 0, "the gradients are kept")
        #expect(kept < (gradients.blocks.count + 1) * gradients.input.count * 100, "the trace and relevance are gone")
        context.release(keepingWhat: [])
        #expect(context.heldBytes == 0)
        #expect(context.gradients().input == gradients.input)
    }
}

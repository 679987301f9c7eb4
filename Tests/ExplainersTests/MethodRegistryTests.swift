import SeededRandom
import Tensor
import TestSupport
import Testing
import ViT

@testable import Explainers

@Suite("Method registry and options")
struct MethodRegistryTests {
    @Test("an id with options builds the method with those options")
    func parsesOptions() throws {
        let method = try MethodRegistry.builtIn.method("raw-attention:block=1")
        #expect(method.id == "raw-attention:block=1")
        #expect((method as? RawAttention)?.block == 1)
    }

    @Test(
        "bad method lists are typed errors",
        arguments: [
            ("no-such-method", "unknown method"),
            ("raw-attention:block=x", "not an integer"),
            ("raw-attention:depth=2", "not an option"),
            ("raw-attention:block", "expected key=value"),
            ("raw-attention,raw-attention", "listed twice"),
        ])
    func rejectsBadLists(list: String, message: String) {
        #expect {
            _ = try MethodRegistry.builtIn.methods(list)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("`all` builds every registered method once")
    func allExpands() throws {
        let methods = try MethodRegistry.builtIn.methods("all")
        #expect(methods.map(\.id) == MethodRegistry.builtIn.descriptors.map(\.id))
    }
}

@Suite("Explanation context")
struct ExplanationContextTests {
    static let config = ViTConfig(imageSize: 32, patchSize: 8, embedDim: 48, depth: 3, heads: 3, classes: 10)

    @Test("products are computed once however many times they are asked for")
    func memoisesPasses() throws {
        let model = ViTModel(weights: .random(config: Self.config, seed: 7))
        var generator = SplitMix64(seed: 3)
        let input = Tensor(
            shape: [1, 3, 32, 32], storage: (0..<(3 * 32 * 32)).map { _ in Float.random(in: -1..<1, using: &generator) }
        )
        let context = try ExplanationContext(model: model, input: input, targetClass: 2)
        _ = context.trace
        _ = context.gradients()
        _ = context.gradients()
        _ = context.gradients(mode: .detachedAttentionInputs)
        _ = context.relevance(rules: .ours)
        _ = context.relevance(rules: .ours)
        _ = context.trace
        #expect(
            context.passes == [
                .forward, .gradients(.logit, .standard), .gradients(.logit, .detachedAttentionInputs),
                .relevance(.ours, toPixels: false),
            ])
    }

    @Test("a context refuses an input of the wrong shape and a class the model does not have")
    func validates() {
        let model = ViTModel(weights: .random(config: Self.config, seed: 7))
        #expect(throws: ExplainerError.inputShape(expected: [1, 3, 32, 32], found: [1, 3, 16, 16])) {
            _ = try ExplanationContext(model: model, input: Tensor(zeros: [1, 3, 16, 16]), targetClass: 0)
        }
        #expect(throws: ExplainerError.classOutOfRange(10, classes: 10)) {
            _ = try ExplanationContext(model: model, input: Tensor(zeros: [1, 3, 32, 32]), targetClass: 10)
        }
    }
}

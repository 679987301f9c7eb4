import Explainers
import Tensor
import Testing

@testable import Harness

@Suite("The order a run computes an image's methods in")
struct ExecutionOrderTests {
    @Test("trace readers first, then those that also need an LRP pass, then the rest; each group in run order")
    func traceReadersFirst() {
        let products: [[TraceProduct]] = [
            [.relevance(.original, toPixels: true)],  // lrp
            [.forward],  // rollout
            [.gradients(.logit, .standard), .relevance(.ours, toPixels: false)],  // transformer attribution
            [.batchedGradients("ig", images: 50)],  // integrated gradients
            [.forward, .gradients(.logit, .standard)],  // gradcam
            [],  // random
        ]
        #expect(BenchmarkRun.executionOrder(products) == [1, 4, 2, 0, 3, 5])
        #expect(BenchmarkRun.executionOrder([]) == [])
    }

    @Test("the built-in `all` puts every LRP-only method after every trace reader")
    func builtInAll() throws {
        let methods = try MethodRegistry.builtIn.descriptors.map { try $0.makeDefault() }
        let context = try ExplanationContext(
            model: RunFixture.model, input: Tensor(zeros: [1, 3, 32, 32]), targetClass: 0)
        let order = BenchmarkRun.executionOrder(methods.map { $0.requiredProducts(for: context) })
        #expect(Set(order) == Set(methods.indices))
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let ids = methods.map(\.id)
        for (lrpOnly, reader) in [("lrp", "gxa"), ("partial-lrp", "tam"), ("lrp", "transformer-attribution")] {
            let first = try #require(ids.firstIndex(of: reader))
            let second = try #require(ids.firstIndex(of: lrpOnly))
            #expect(try #require(position[first]) < (try #require(position[second])), "\(reader) before \(lrpOnly)")
        }
    }
}

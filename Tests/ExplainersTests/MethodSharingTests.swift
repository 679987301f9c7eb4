import Foundation
import Tensor
import Testing
import ViT

@testable import Explainers

@Suite("Class specificity and shared passes")
struct MethodSharingTests {
    /// The methods of this suite with options that keep every map non-degenerate on the depth-4 fixture model
    /// (BT-C's default start 7 and BT-H's start 4 leave `R = I`, whose CLS row is zero at the patches).
    static let methods = [
        "raw-attention", "rollout", "rollout:start=1", "gradcam", "lrp", "partial-lrp", "transformer-attribution",
        "transformer-attribution:start=0", "gae", "agc", "gxa", "gxa-signed", "tam:start=1", "bt-h:start=2",
        "bt-c:start=2",
    ]

    @Test("on the two-object input, class-specific maps differ between two classes; rollout and raw attention do not")
    func classSpecificity() throws {
        let fixture = try MethodFixture()
        let cases = fixture.manifest.cases.filter { $0.model == "vit" && $0.input == "two_objects" }
        try #require(cases.count == 2 && cases[0].classIndex != cases[1].classIndex)
        let contexts = try cases.map { try fixture.context($0) }
        for id in Self.methods {
            let method = try MethodRegistry.builtIn.method(id)
            let descriptor = try #require(MethodRegistry.builtIn.descriptor(String(id.prefix { $0 != ":" })))
            let first = try method.explain(contexts[0]).normalized(to: 48).values
            let second = try method.explain(contexts[1]).normalized(to: 48).values
            let difference = first.maxAbsoluteDifference(to: second)
            if descriptor.isClassSpecific {
                #expect(difference > 0.01, "\(id): normalised maps of two classes differ by only \(difference)")
            } else {
                #expect(difference == 0, "\(id): a class-agnostic map changed with the class by \(difference)")
            }
        }
    }

    @Test("every method of the list on one image runs each pass once")
    func passesAreShared() throws {
        let fixture = try MethodFixture()
        let context = try fixture.context(try #require(fixture.manifest.cases.first))
        let methods = try MethodRegistry.builtIn.methods(Self.methods.joined(separator: ","))
        for method in methods { _ = try method.explain(context) }
        #expect(
            context.passes == [
                .forward, .gradients(.logit, .standard), .relevance(.original, toPixels: true),
                .relevance(.ours, toPixels: false), .gradients(.logit, .detachedAttentionInputs),
                .batchedGradients("ig-attention:20:logit", images: 20),
            ])
        // What the methods declare is what they used.
        let declared = Set(methods.flatMap { $0.requiredProducts(for: context) })
        #expect(declared.subtracting([.relevance(.original, toPixels: false)]) == Set(context.passes))
    }

    @Test("`all` on one image repeats no pass")
    func allRepeatsNothing() throws {
        let fixture = try MethodFixture()
        let context = try fixture.context(try #require(fixture.manifest.cases.first))
        for method in try MethodRegistry.builtIn.methods("all") { _ = try method.explain(context) }
        #expect(Set(context.passes).count == context.passes.count, "\(context.passes)")
    }

    @Test("start layers beyond the model are typed errors; TAM/BT starts beyond it follow the code's empty loop")
    func startLayers() throws {
        let fixture = try MethodFixture()
        let context = try fixture.context(try #require(fixture.manifest.cases.first))
        for id in ["rollout:start=4", "transformer-attribution:start=9", "gxa:start=4"] {
            #expect(throws: ExplainerError.self, "\(id)") { _ = try MethodRegistry.builtIn.method(id).explain(context) }
        }
        let zeros = try MethodRegistry.builtIn.method("bt-c:start=9").explain(context).grid
        #expect(zeros.storage.allSatisfy { $0 == 0 })
        #expect(throws: ExplainerError.self) { _ = try MethodRegistry.builtIn.method("gae:grad=gradient") }
    }

    @Test("the integration steps are numpy's linspace(0, 1, n)")
    func alphas() {
        #expect(IntegratedAttentionGradient.alphas(steps: 1) == [0])
        #expect(IntegratedAttentionGradient.alphas(steps: 3) == [0, 0.5, 1])
        let twenty = IntegratedAttentionGradient.alphas(steps: 20)
        #expect(twenty.count == 20 && twenty.first == 0 && twenty.last == 1 && twenty[1] == 1.0 / 19)
    }
}

import Testing

@testable import Explainers

/// The README's "adding a method" example, verbatim, so the example keeps compiling and computing what it says.
public struct LastAttentionGradient: ExplanationMethod {
    public let id = "last-attention-gradient"

    public static let descriptor = MethodDescriptor(
        id: "last-attention-gradient", summary: "ReLU of the last block's attention gradient, head mean",
        citation: "Me et al. 2026", passes: "forward + backward", options: [], isClassSpecific: true
    ) { (options: MethodOptions) throws(ExplainerError) -> any ExplanationMethod in
        LastAttentionGradient()
    }

    public func requiredProducts(for context: ExplanationContext) -> [TraceProduct] {
        [.forward, .gradients(.logit, .standard)]
    }

    public func explain(_ context: ExplanationContext) throws(ExplainerError) -> Heatmap {
        let gradients = context.gradients()  // memoised: shared with every other method of the image
        guard let last = gradients.blocks.last else { throw .unsupportedModel(method: id, reason: "no blocks") }
        var mean = PatchGrid.headMean(last.attention)  // [1, H, N, N] -> [N, N]
        for position in mean.storage.indices { mean.storage[position] = max(mean.storage[position], 0) }
        return PatchGrid.clsRow(of: mean, config: context.config)  // the [g, g] grid
    }
}

@Suite("The README's example method")
struct ReadmeExampleTests {
    @Test("registered with one line, it parses, shares the standard backward and maps the CLS row it describes")
    func exampleMethod() throws {
        let registry = MethodRegistry(MethodRegistry.builtIn.descriptors + [LastAttentionGradient.descriptor])
        let methods = try registry.methods("gradcam,last-attention-gradient")
        let fixture = try MethodFixture()
        let context = try fixture.context(try #require(fixture.manifest.cases.first))
        _ = try methods[0].explain(context)
        let map = try methods[1].explain(context)
        #expect(context.passes == [.forward, .gradients(.logit, .standard)])
        // By hand: max(0, mean over heads of dA[0, h, 0, prefix + p]) at every patch p.
        let attention = try #require(context.gradients().blocks.last).attention
        let heads = attention.shape[attention.rank - 3]
        let tokens = attention.shape[attention.rank - 1]
        let prefix = context.config.prefixTokens
        let grid = context.config.imageSize / context.config.patchSize
        #expect(map.grid.shape == [grid, grid])
        for patch in 0..<(grid * grid) {
            var sum: Float = 0
            for head in 0..<heads { sum += attention.storage[head * tokens * tokens + prefix + patch] }
            #expect(abs(map.grid.storage[patch] - max(sum / Float(heads), 0)) <= 1e-6)
        }
    }
}

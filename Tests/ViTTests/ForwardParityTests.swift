import Foundation
import Tensor
import Testing
import ViT

/// The native forward against PyTorch + timm / transformers on the fixture models (tolerance rule in
/// `expectClose`).
struct ForwardParityTests {
    @Test(arguments: ForwardBackwardFixture.models)
    func logitsScoresAndAttentionMatchPyTorch(model name: String) throws {
        let fixture = try ForwardBackwardFixture(name)
        let trace = fixture.model.forward(try fixture.input())
        expectClose(trace.logits, try fixture.golden("logits"), "\(name) logits")
        let scores = try fixture.golden("scores")
        let attention = try fixture.golden("attention")
        #expect(trace.blocks.count == scores.shape[0])
        for (index, block) in trace.blocks.enumerated() {
            expectClose(block.scores, layer(scores, index), "\(name) block \(index) S")
            expectClose(block.attention, layer(attention, index), "\(name) block \(index) A")
        }
    }

    @Test(arguments: ForwardBackwardFixture.models)
    func traceShapesFollowTheDocumentedLayout(model name: String) throws {
        let fixture = try ForwardBackwardFixture(name)
        let config = fixture.model.config
        let trace = fixture.model.forward(try fixture.input())
        let (batch, tokens, width) = (2, config.tokens, config.embedDim)
        #expect(trace.embeddings.shape == [batch, tokens, width])
        #expect(trace.finalNorm.shape == [batch, tokens, width])
        #expect(trace.logits.shape == [batch, config.classes])
        for block in trace.blocks {
            #expect(block.query.shape == [batch, config.heads, tokens, config.headDim])
            #expect(block.scores.shape == [batch, config.heads, tokens, tokens])
            #expect(block.context.shape == [batch, tokens, width])
            #expect(block.hidden.shape == [batch, tokens, config.mlpDim])
            #expect(block.output.shape == [batch, tokens, width])
        }
        for (block, next) in zip(trace.blocks, trace.blocks.dropFirst()) { #expect(block.output == next.input) }
    }

    @Test(arguments: ForwardBackwardFixture.models)
    func logitsPathEqualsTheTracedForward(model name: String) throws {
        let fixture = try ForwardBackwardFixture(name)
        let input = try fixture.input()
        #expect(fixture.model.logits(input) == fixture.model.forward(input).logits)
    }

    /// A batch of two gives each image what a batch of one gives it (to GEMM rounding: OpenBLAS blocks a GEMM
    /// differently for 17 and 34 rows, which moves results by a few 1e-6).
    @Test(arguments: ForwardBackwardFixture.models)
    func batchOfTwoEqualsTwoBatchesOfOne(model name: String) throws {
        let fixture = try ForwardBackwardFixture(name)
        let input = try fixture.input()
        let both = fixture.model.forward(input)
        for image in 0..<2 {
            let single = fixture.model.forward(input.slice(image).reshaped([1] + Array(input.shape.dropFirst())))
            expectClose(single.logits.slice(0), both.logits.slice(image), "logits \(image)", tolerance: 1e-5)
            for (one, batched) in zip(single.blocks, both.blocks) {
                expectClose(one.attention.slice(0), batched.attention.slice(image), "A \(image)", tolerance: 1e-5)
            }
        }
    }
}

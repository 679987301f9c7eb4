import Foundation
import Tensor
import Testing
import ViT

/// The hand-written backward against PyTorch autograd on the fixture models, in both modes and for both targets
/// (tolerance rule in `expectClose`).
struct BackwardParityTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let model: String
        let name: String
        let target: BackwardTarget
        let mode: BackwardMode
        var testDescription: String { "\(model) \(name)" }
    }

    static let allCases: [Case] = ForwardBackwardFixture.models.flatMap { model in
        ForwardBackwardFixture.cases.map { Case(model: model, name: $0.name, target: $0.target, mode: $0.mode) }
    }

    @Test(arguments: allCases)
    func gradientsMatchPyTorch(_ testCase: Case) throws {
        let fixture = try ForwardBackwardFixture(testCase.model)
        let trace = fixture.model.forward(try fixture.input())
        let gradients = fixture.model.backward(
            trace, classes: try fixture.classes(), target: testCase.target, mode: testCase.mode)
        let label = testCase.testDescription
        let attention = try fixture.golden("\(testCase.name)_dA")
        let scores = try fixture.golden("\(testCase.name)_dS")
        let blockInput = try fixture.golden("\(testCase.name)_dBlockInput")
        #expect(gradients.blocks.count == attention.shape[0])
        for (index, block) in gradients.blocks.enumerated() {
            expectClose(block.attention, layer(attention, index), "\(label) block \(index) dA")
            expectClose(block.scores, layer(scores, index), "\(label) block \(index) dS")
            expectClose(block.blockInput, layer(blockInput, index), "\(label) block \(index) dX")
        }
        expectClose(gradients.embeddings, layer(blockInput, 0), "\(label) embeddings")
        expectClose(gradients.input, try fixture.golden("\(testCase.name)_dInput"), "\(label) dInput")
    }

    /// Each image of a batch gets the gradient of its own class, as it would alone (to GEMM rounding).
    @Test(arguments: [BackwardMode.standard, .detachedAttentionInputs])
    func batchOfTwoEqualsTwoBatchesOfOne(mode: BackwardMode) throws {
        let fixture = try ForwardBackwardFixture("vit")
        let input = try fixture.input()
        let classes = try fixture.classes()
        let both = fixture.model.backward(fixture.model.forward(input), classes: classes, mode: mode)
        for image in 0..<2 {
            let single = fixture.model.forward(input.slice(image).reshaped([1] + Array(input.shape.dropFirst())))
            let gradients = fixture.model.backward(single, classes: [classes[image]], mode: mode)
            expectClose(gradients.input.slice(0), both.input.slice(image), "dInput \(image)", tolerance: 1e-5)
            for (one, batched) in zip(gradients.blocks, both.blocks) {
                expectClose(one.scores.slice(0), batched.scores.slice(image), "dS \(image)", tolerance: 1e-5)
            }
        }
    }

    /// The input gradient against a central difference of the logit on the most sensitive pixel (float32
    /// differences, so a loose 1 % bound: this checks the chain, the goldens check the digits).
    @Test func inputGradientAgreesWithFiniteDifference() throws {
        let fixture = try ForwardBackwardFixture("vit")
        let input = try fixture.input()
        let classes = try fixture.classes()
        let gradients = fixture.model.backward(fixture.model.forward(input), classes: classes)
        let values = gradients.input.storage
        let index = try #require(values.indices.max { abs(values[$0]) < abs(values[$1]) })
        let image = index / (input.count / 2)
        let step: Float = 1e-2
        var plus = input
        plus.storage[index] += step
        var minus = input
        minus.storage[index] -= step
        let logitIndex = image * fixture.model.config.classes + classes[image]
        let difference =
            (fixture.model.logits(plus).storage[logitIndex] - fixture.model.logits(minus).storage[logitIndex])
            / (2 * step)
        #expect(abs(difference - values[index]) <= 1e-2 * abs(values[index]))
    }
}

import Foundation
import Tensor
import Testing
import ViT

@testable import Explainers

@Suite("Input-gradient methods and baselines against PyTorch")
struct InputGradientMethodTests {
    @Test("the fixture loads and has cases")
    func fixtureLoads() throws {
        let fixture = try InputGradientFixture()
        #expect(fixture.cases.count > 20)
        #expect(fixture.classes.count == 2 && fixture.classes[0] != fixture.classes[1])
    }

    @Test(
        "raw grids match the PyTorch goldens within 1e-4 of their largest magnitude",
        arguments: InputGradientFixture.allCases.filter { !$0.method.hasPrefix("maps:") })
    func matchesGolden(_ testCase: InputGradientFixture.Case) throws {
        let fixture = try InputGradientFixture()
        let method = try MethodRegistry.builtIn.method(testCase.method)
        let context = try fixture.context(target: testCase.target, imageID: testCase.image)
        let heatmap = try method.explain(context)
        expectClose(heatmap.grid, try fixture.golden(testCase.golden), testCase.name)
    }

    @Test("saliency and input x gradient share the context's one forward and backward")
    func sharesPasses() throws {
        let fixture = try InputGradientFixture()
        let context = try fixture.context(target: fixture.classes[0], imageID: "image")
        for text in ["saliency", "input-x-gradient", "saliency:reduce=sum", "random", "center", "uniform"] {
            _ = try MethodRegistry.builtIn.method(text).explain(context)
        }
        #expect(context.passes == [.forward, .gradients(.logit, .standard)])
    }

    @Test("integrated gradients and SmoothGrad run their samples as one batched product, once per option set")
    func batchesOnce() throws {
        let fixture = try InputGradientFixture()
        let context = try fixture.context(target: fixture.classes[0], imageID: "image")
        let first = try MethodRegistry.builtIn.method("integrated-gradients:steps=6:batch=4")
        let sameGradients = try MethodRegistry.builtIn.method("integrated-gradients:steps=6:reduce=abs")
        let smooth = try MethodRegistry.builtIn.method("smoothgrad:samples=3")
        let a = try first.explain(context)
        let b = try sameGradients.explain(context)
        _ = try smooth.explain(context)
        #expect(context.passes.count == 2)
        guard case .batchedGradients(_, let images) = context.passes.first else {
            Issue.record("expected a batched product first, got \(context.passes)")
            return
        }
        #expect(images == 6)
        #expect(first.requiredProducts(for: context) == [context.passes[0]])
        // The same integral under another channel reduction: |signed sum|.
        #expect(b.grid.storage == a.grid.storage.map { abs($0) })
    }

    @Test("the chunk size does not change integrated gradients")
    func chunkInvariant() throws {
        let fixture = try InputGradientFixture()
        let target = fixture.classes[1]
        let whole = try MethodRegistry.builtIn.method("integrated-gradients:steps=5:batch=5")
            .explain(try fixture.context(target: target, imageID: nil))
        let pieces = try MethodRegistry.builtIn.method("integrated-gradients:steps=5:batch=2")
            .explain(try fixture.context(target: target, imageID: nil))
        expectClose(pieces.grid, whole.grid, "batch 2 vs 5", tolerance: 1e-5)
    }

    @Test("class-specific methods give different maps for the two classes; the baselines do not")
    func classSpecificity() throws {
        let fixture = try InputGradientFixture()
        for text in ["saliency", "input-x-gradient", "integrated-gradients:steps=4", "smoothgrad:samples=2"] {
            let maps = try fixture.classes.map { target in
                try MethodRegistry.builtIn.method(text).explain(try fixture.context(target: target, imageID: "image"))
            }
            #expect(maps[0].grid.maxAbsoluteDifference(to: maps[1].grid) > 1e-3, "\(text)")
            #expect(MethodRegistry.builtIn.descriptor(String(text.prefix { $0 != ":" }))?.isClassSpecific == true)
        }
        for text in ["random", "center", "uniform"] {
            let maps = try fixture.classes.map { target in
                try MethodRegistry.builtIn.method(text).explain(try fixture.context(target: target, imageID: "image"))
            }
            #expect(maps[0].grid == maps[1].grid, "\(text)")
            #expect(MethodRegistry.builtIn.descriptor(text)?.isClassSpecific == false)
        }
    }

    @Test("the random baseline repeats for an image and differs between images")
    func randomPerImage() throws {
        let fixture = try InputGradientFixture()
        let method = try MethodRegistry.builtIn.method("random")
        let first = try method.explain(try fixture.context(target: 0, imageID: "a"))
        let again = try method.explain(try fixture.context(target: 0, imageID: "a"))
        let other = try method.explain(try fixture.context(target: 0, imageID: "b"))
        #expect(first.grid == again.grid)
        #expect(first.grid != other.grid)
        #expect(first.grid.storage.allSatisfy { (0..<1).contains($0) })
    }

    @Test("the uniform map is constant, which normalisation reports")
    func uniformIsConstant() throws {
        let fixture = try InputGradientFixture()
        let map = try MethodRegistry.builtIn.method("uniform").explain(try fixture.context(target: 0, imageID: nil))
        #expect(map.grid.shape == [4, 4])
        #expect(map.normalized(to: 32).condition == .constant)
    }

    @Test("baseline=black without the input's normalisation is a typed error")
    func blackNeedsNormalization() throws {
        let fixture = try InputGradientFixture()
        let context = try ExplanationContext(model: fixture.model, input: fixture.input, targetClass: 0)
        let method = try MethodRegistry.builtIn.method("integrated-gradients:steps=2:baseline=black")
        #expect {
            _ = try method.explain(context)
        } throws: { error in
            "\(error)".contains("baseline=black needs the input's normalisation")
        }
        #expect(context.passes.isEmpty)
    }

    @Test(
        "bad options are typed errors",
        arguments: [
            ("saliency:reduce=signed", "'signed' is not one of max, sum"),
            ("integrated-gradients:steps=1:rule=riemann_left", "not an integer in 2..."),
            ("integrated-gradients:rule=simpson", "not one of"),
            ("smoothgrad:sigma=-1", "not a number in"),
            ("smoothgrad:samples=0", "not an integer in"),
            ("center:sigma=0", "not a number in"),
            ("uniform:seed=1", "not an option"),
            ("maps:", "give a folder"),
        ])
    func rejectsBadOptions(text: String, message: String) {
        #expect {
            _ = try MethodRegistry.builtIn.method(text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("ids spell out the options that differ from the defaults")
    func ids() throws {
        let cases = [
            ("saliency", "saliency"), ("saliency:grad=logit", "saliency"),
            ("integrated-gradients:steps=8:batch=2", "integrated-gradients:steps=8"),
            ("smoothgrad:seed=4:samples=25", "smoothgrad:seed=4"), ("random:seed=3", "random:seed=3"),
            ("center:sigma=0.5", "center:sigma=0.5"),
        ]
        for (text, id) in cases { #expect(try MethodRegistry.builtIn.method(text).id == id) }
    }
}

@Suite("Integration rules")
struct IntegrationRuleTests {
    @Test("Gauss-Legendre nodes are symmetric in (0, 1) and their weights sum to 1", arguments: [1, 2, 7, 50, 128])
    func gaussLegendre(steps: Int) {
        let (alphas, weights) = IntegrationRule.gausslegendre.nodes(steps: steps)
        #expect(abs(weights.reduce(0, +) - 1) < 1e-12)
        for index in 0..<steps {
            #expect(abs(alphas[index] + alphas[steps - 1 - index] - 1) < 1e-12)
            #expect(alphas[index] > 0 && alphas[index] < 1)
        }
        #expect(zip(alphas, alphas.dropFirst()).allSatisfy { $0 < $1 })
        // Exact for polynomials up to degree 2n - 1: ∫₀¹ a^k da = 1 / (k + 1).
        let degree = 2 * steps - 1
        let integral = zip(alphas, weights).reduce(0) { $0 + $1.1 * pow($1.0, Double(degree)) }
        #expect(abs(integral - 1 / Double(degree + 1)) < 1e-12)
    }

    @Test("Captum's trapezoid weights sum to (n - 1) / n")
    func trapezoid() {
        let (alphas, weights) = IntegrationRule.riemannTrapezoid.nodes(steps: 4)
        #expect(alphas == [0, 1.0 / 3, 2.0 / 3, 1])
        #expect(abs(weights.reduce(0, +) - 0.75) < 1e-15)
    }
}

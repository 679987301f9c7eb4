import Foundation
import Tensor
import Testing
import ViT

/// The fixtures of `Fixtures/lrp/` (written by `tools/make_lrp_fixtures.py`, an independent PyTorch
/// implementation of methods.md §2.4 cross-checked against a transcription of Chefer's `relprop` code): a timm
/// `VisionTransformer` (depth 3) and a distilled DeiT (depth 2), both 32 px, patch 8, width 48, 3 heads,
/// 10 classes, weights ~N(0, 0.3); two images each; per image its predicted class and its least likely class.
/// The goldens are that implementation's float64 run, as the Swift pass computes in float64 (only the final
/// rounding to float32 separates the two).
private struct LRPFixture {
    struct Manifest: Decodable {
        struct Model: Decodable {
            let imageSize, patchSize, embedDim, depth, heads, classes: Int
            let distilled: Bool
        }

        struct Case: Decodable {
            let model: String
            let image: Int
            let classIndex: Int
            let rules: String
            let prefix: String
            let blockTotals: [Double]
            let pixelTotal: Double
        }

        let models: [String: Model]
        let cases: [Case]
    }

    let folder: URL
    let manifest: Manifest

    init() throws {
        let resources = try #require(Bundle.module.resourceURL)
        folder = resources.appendingPathComponent("Fixtures/lrp")
        let data = try Data(contentsOf: folder.appendingPathComponent("cases.json"))
        manifest = try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// The model `name` loaded from its safetensors checkpoint (timm names).
    func model(_ name: String) throws -> ViTModel {
        let geometry = try #require(manifest.models[name])
        let config = ViTConfig(
            imageSize: geometry.imageSize, patchSize: geometry.patchSize, embedDim: geometry.embedDim,
            depth: geometry.depth, heads: geometry.heads, classes: geometry.classes, distilled: geometry.distilled)
        let weights = try Checkpoint.load(
            contentsOf: folder.appendingPathComponent("\(name).safetensors").path, config: config)
        return ViTModel(weights: weights)
    }

    func array(_ stem: String) throws -> Tensor {
        try NPY.read(contentsOf: folder.appendingPathComponent("\(stem).npy").path)
    }

    func cases(model: String, rules: LRPRules) -> [Manifest.Case] {
        manifest.cases.filter { $0.model == model && $0.rules == rules.rawValue }
    }
}

/// The parity rule for one tensor: `max |actual - expected| <= tolerance * max |expected|` (relative to the
/// golden tensor's largest magnitude; the orig rules' relevances reach the hundreds, the ours rules' stay below
/// 1). The default 1e-6 leaves room for the float32 rounding of the results (6e-8 of each value) and nothing
/// else. Returns the measured ratio.
@discardableResult
private func expectRelevance(
    _ actual: Tensor, _ expected: Tensor, _ label: String, tolerance: Float = 1e-6,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Float {
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape) vs \(expected.shape)")
    guard actual.shape == expected.shape else { return .infinity }
    let scale = expected.storage.reduce(0) { max($0, abs($1)) }
    let difference = actual.maxAbsoluteDifference(to: expected)
    let ratio = scale > 0 ? difference / scale : (difference == 0 ? 0 : .infinity)
    #expect(
        ratio <= tolerance, "\(label): max diff \(difference), max |golden| \(scale)", sourceLocation: sourceLocation)
    return ratio
}

/// Stacks equal-shaped tensors along a new first axis.
private func stacked(_ tensors: [Tensor]) -> Tensor {
    let shape = tensors.first?.shape ?? []
    return Tensor(shape: [tensors.count] + shape, storage: tensors.flatMap(\.storage))
}

@Suite("LRP relevance")
struct LRPRelevanceTests {
    @Test("matches the PyTorch goldens", arguments: ["vit", "deit"], LRPRules.allCases)
    func parity(modelName: String, rules: LRPRules) throws {
        let fixture = try LRPFixture()
        let model = try fixture.model(modelName)
        let trace = model.forward(try fixture.array("\(modelName)_input"))
        let cases = fixture.cases(model: modelName, rules: rules)
        #expect(cases.count == 4)
        var worst: [String: Float] = [:]
        for testCase in cases {
            let relevance = model.relevance(
                trace, batchIndex: testCase.image, classIndex: testCase.classIndex, rules: rules, toPixels: true)
            let pixels = try #require(relevance.pixels)
            for (kind, actual) in [
                ("attention", stacked(relevance.attention)), ("blocks", stacked(relevance.blockInputs)),
                ("pixels", pixels),
            ] {
                let ratio = expectRelevance(actual, try fixture.array("\(testCase.prefix)_\(kind)"), testCase.prefix)
                worst[kind] = max(worst[kind] ?? 0, ratio)
            }
        }
        print("LRP parity \(modelName) \(rules.rawValue): max relative differences \(worst.sorted { $0.key < $1.key })")
    }

    @Test("ours conserves the one-hot total through every block", arguments: ["vit", "deit"])
    func conservation(modelName: String) throws {
        let fixture = try LRPFixture()
        let model = try fixture.model(modelName)
        let trace = model.forward(try fixture.array("\(modelName)_input"))
        for testCase in fixture.cases(model: modelName, rules: .ours) {
            let relevance = model.relevance(
                trace, batchIndex: testCase.image, classIndex: testCase.classIndex, rules: .ours, toPixels: true)
            let totals = relevance.blockInputs.map { Double($0.sum()) }
            // Linear (shared denominator), matmul (halved) and the renormalised adds conserve up to the 1e-9
            // stabiliser; the biases are ignored, so nothing leaks.
            for total in totals { #expect(abs(total - 1) < 1e-4, "\(testCase.prefix): block totals \(totals)") }
            // The pixels keep what the patch tokens held after the position add (the prefix tokens' share is
            // dropped), as the PyTorch reference does.
            let pixelTotal = Double(try #require(relevance.pixels).sum())
            #expect(abs(pixelTotal - testCase.pixelTotal) < 1e-4, "\(testCase.prefix): pixel total \(pixelTotal)")
            print("LRP totals \(testCase.prefix): blocks \(totals), pixels \(pixelTotal)")
        }
    }

    @Test("orig totals follow the reference (it does not conserve)", arguments: ["vit", "deit"])
    func originalTotals(modelName: String) throws {
        let fixture = try LRPFixture()
        let model = try fixture.model(modelName)
        let trace = model.forward(try fixture.array("\(modelName)_input"))
        for testCase in fixture.cases(model: modelName, rules: .original) {
            let relevance = model.relevance(
                trace, batchIndex: testCase.image, classIndex: testCase.classIndex, rules: .original, toPixels: false)
            #expect(relevance.pixels == nil)
            for (block, expected) in testCase.blockTotals.enumerated() {
                let total = Double(relevance.blockInputs[block].sum())
                #expect(abs(total - expected) <= 1e-4 * max(1, abs(expected)), "\(testCase.prefix) block \(block)")
            }
        }
    }

    @Test("different classes give different relevances on one input")
    func classesDiffer() throws {
        let fixture = try LRPFixture()
        let model = try fixture.model("vit")
        let trace = model.forward(try fixture.array("vit_input"))
        let cases = fixture.cases(model: "vit", rules: .ours).filter { $0.image == 0 }
        try #require(cases.count == 2 && cases[0].classIndex != cases[1].classIndex)
        let maps = cases.map {
            model.relevance(trace, batchIndex: 0, classIndex: $0.classIndex, rules: .ours, toPixels: true)
        }
        let first = try #require(maps[0].pixels)
        let second = try #require(maps[1].pixels)
        let scale = first.storage.reduce(0) { max($0, abs($1)) }
        // Each map matches its own golden (the parity test); here they must also be far apart from each other.
        #expect(first.maxAbsoluteDifference(to: second) > 0.05 * scale)
        let lastFirst = try #require(maps[0].attention.last)
        let lastSecond = try #require(maps[1].attention.last)
        #expect(
            lastFirst.maxAbsoluteDifference(to: lastSecond) > 0.05 * lastFirst.storage.reduce(0) { max($0, abs($1)) })
    }

    @Test("an image's relevance does not depend on the rest of its batch", arguments: LRPRules.allCases)
    func batchIndependence(rules: LRPRules) throws {
        let fixture = try LRPFixture()
        let model = try fixture.model("vit")
        let batch = try fixture.array("vit_input")
        let single = model.forward(batch.slice(1).reshaped([1, 3, 32, 32]))
        let both = model.forward(batch)
        let alone = model.relevance(single, batchIndex: 0, classIndex: 4, rules: rules, toPixels: true)
        let inBatch = model.relevance(both, batchIndex: 1, classIndex: 4, rules: rules, toPixels: true)
        // The pass reads only its own image's pixels: the same bits.
        #expect(try #require(alone.pixels) == (try #require(inBatch.pixels)))
        #expect(alone.attention == inBatch.attention)
        #expect(alone.blockInputs == inBatch.blockInputs)
    }

    @Test(
        "keeping every block's float64 activations, the last one only, or none give the same bits",
        arguments: ["vit", "deit"], LRPRules.allCases)
    func recomputedBlocks(modelName: String, rules: LRPRules) throws {
        let fixture = try LRPFixture()
        let model = try fixture.model(modelName)
        let input = try fixture.array("\(modelName)_input")
        let kept = model.relevance(input, batchIndex: 1, classIndex: 2, rules: rules, toPixels: true)
        let oneBlock =
            LRPForward.workingBytes(config: model.config) + LRPForward.keptBytes(config: model.config)
            / model.config.depth
        for budget in [0, oneBlock] {
            let recomputed = model.relevance(
                input, batchIndex: 1, classIndex: 2, rules: rules, toPixels: true, budgetBytes: budget)
            #expect(kept.attention == recomputed.attention, "budget \(budget)")
            #expect(kept.blockInputs == recomputed.blockInputs, "budget \(budget)")
            #expect(try #require(kept.pixels) == (try #require(recomputed.pixels)), "budget \(budget)")
        }
    }

    @Test("one float64 forward serves both rule sets down to the pixels, in either order, with the same bits")
    func sharedForward() throws {
        let fixture = try LRPFixture()
        let model = try fixture.model("vit")
        let input = try fixture.array("vit_input")
        let forward = model.lrpForward(input, batchIndex: 0)
        let first = model.relevance(forward, classIndex: 3, rules: .original, toPixels: true)
        let second = model.relevance(forward, classIndex: 3, rules: .ours, toPixels: true)
        let again = model.relevance(forward, classIndex: 3, rules: .original, toPixels: true)
        let alone = model.relevance(input, classIndex: 3, rules: .ours, toPixels: true)
        #expect(second.pixels == alone.pixels && second.attention == alone.attention)
        #expect(again.pixels == first.pixels && again.blockInputs == first.blockInputs)
    }

    @Test("Chefer's final-norm epsilon 1e-5 moves the relevance, a little")
    func cheferFinalNorm() throws {
        let fixture = try LRPFixture()
        let model = try fixture.model("vit")
        let input = try fixture.array("vit_input")
        let timm = model.relevance(input, classIndex: 2, rules: .original, toPixels: true)
        let chefer = model.relevance(input, classIndex: 2, rules: .original, toPixels: true, finalNorm: .chefer)
        let pixels = try #require(timm.pixels)
        let difference = pixels.maxAbsoluteDifference(to: try #require(chefer.pixels))
        let scale = pixels.storage.reduce(0) { max($0, abs($1)) }
        #expect(difference > 0 && difference < 1e-3 * scale, "final eps 1e-5 vs 1e-6: \(difference) of \(scale)")
    }
}

import Foundation
import Tensor
import Testing
import ViT

@testable import Explainers

/// The fixtures of `Fixtures/methods/` (written by `tools/make_method_fixtures.py`, an independent PyTorch
/// implementation of every method's spec on timm's models): a timm `VisionTransformer` (depth 4) and a distilled
/// DeiT (depth 2), 48 px, patch 8, width 48, 3 heads, 10 classes; a two-object input and a noise input; per
/// case the predicted class and a fixed other class (DeiT: the predicted class), and each method's raw grid.
struct MethodFixture {
    struct Manifest: Decodable {
        struct Model: Decodable {
            let imageSize, patchSize, embedDim, depth, heads, classes: Int
            let distilled: Bool
        }

        struct Case: Decodable, CustomTestStringConvertible {
            let model: String
            let input: String
            let classIndex: Int
            let predicted: Int
            /// Method id (with options) → file stem of its golden grid.
            let methods: [String: String]

            var testDescription: String { "\(model) \(input) class \(classIndex)" }
        }

        let models: [String: Model]
        let cases: [Case]
    }

    let folder: URL
    let manifest: Manifest

    init() throws {
        let resources = try #require(Bundle.module.resourceURL)
        folder = resources.appendingPathComponent("Fixtures/methods")
        let data = try Data(contentsOf: folder.appendingPathComponent("cases.json"))
        manifest = try JSONDecoder().decode(Manifest.self, from: data)
    }

    /// The cases, loaded once for parameterised tests (empty if the fixture cannot be read; the
    /// `fixtureLoads` test then fails and names why).
    static let cases: [Manifest.Case] = (try? MethodFixture().manifest.cases) ?? []

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

    /// The `[1, 3, S, S]` input of `model` named `input`.
    func input(model: String, input: String) throws -> Tensor {
        try array("\(model)_\(input)")
    }

    func array(_ stem: String) throws -> Tensor {
        try NPY.read(contentsOf: folder.appendingPathComponent("\(stem).npy").path)
    }

    /// A fresh context for one case.
    func context(_ testCase: Manifest.Case) throws -> ExplanationContext {
        try ExplanationContext(
            model: model(testCase.model), input: input(model: testCase.model, input: testCase.input),
            targetClass: testCase.classIndex)
    }
}

/// The parity rule for a raw grid: `max |ours − golden| <= 1e-4 · max(max |golden|, 1e-6)`, relative to the
/// golden's largest magnitude (maps range from ~1e-3 to ~1e2 in scale; the 1e-6 floor only matters for a golden
/// that is all zero, where ours must then be below 1e-10). Returns the measured `max |ours − golden| / scale`.
@discardableResult
func expectGrid(
    _ actual: Tensor, _ expected: Tensor, _ label: String, tolerance: Float = 1e-4,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Float {
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape) vs \(expected.shape)")
    guard actual.shape == expected.shape else { return .infinity }
    let scale = max(expected.storage.reduce(0) { max($0, abs($1)) }, 1e-6)
    let difference = actual.maxAbsoluteDifference(to: expected)
    #expect(
        difference <= tolerance * scale, "\(label): max diff \(difference), scale \(scale)",
        sourceLocation: sourceLocation)
    return difference / scale
}

import Foundation
import Imaging
import Tensor
import Testing
import ViT

@testable import Explainers

/// `Fixtures/gradients/` (written by `tools/make_input_gradient_fixtures.py` with PyTorch 2.15, timm 1.0.31 and
/// Captum 0.9.0): a random-init timm ViT (32 px, patch 8, width 48, depth 3, 3 heads, 10 classes), its input and
/// the golden raw grid of every case, computed in PyTorch from the methods' specs.
struct InputGradientFixture {
    /// One golden case of `cases.json`.
    struct Case: Decodable, CustomStringConvertible, Sendable {
        let name: String
        /// The method text as given to ``MethodRegistry/method(_:)``; `MAPS` stands for the fixture maps folder.
        let method: String
        let image: String?
        let target: Int
        let golden: String
        let upsampled: String?

        var description: String { name }
    }

    private struct Manifest: Decodable {
        let classes: [Int]
        let cases: [Case]
    }

    let folder: URL
    let model: ViTModel
    let input: Tensor
    /// The model's top-1 and top-2 classes on the input.
    let classes: [Int]
    let cases: [Case]

    init() throws {
        let resources = try #require(Bundle.module.resourceURL)
        folder = resources.appendingPathComponent("Fixtures/gradients")
        model = ViTModel(
            weights: try Checkpoint.load(contentsOf: folder.appendingPathComponent("model.safetensors").path, heads: 3))
        input = try NPY.read(contentsOf: folder.appendingPathComponent("input.npy").path)
        let data = try Data(contentsOf: folder.appendingPathComponent("cases.json"))
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        classes = manifest.classes
        cases = manifest.cases
    }

    /// The cases as test arguments (empty when the fixture cannot be read, which the loading test reports).
    static let allCases: [Case] = (try? InputGradientFixture().cases) ?? []

    /// The folder of map files for `maps:`.
    var mapsFolder: String { folder.appendingPathComponent("maps").path }

    /// A golden array by file name.
    func golden(_ file: String) throws -> Tensor {
        try NPY.read(contentsOf: folder.appendingPathComponent(file).path)
    }

    /// A context for `target` on the fixture input, normalised with mean = std = 0.5 as the script does.
    func context(target: Int, imageID: String?) throws -> ExplanationContext {
        try ExplanationContext(
            model: model, input: input, targetClass: target, imageID: imageID,
            normalization: ChannelNormalization.inception)
    }
}

/// The parity rule: `max |actual - expected| <= tolerance * max |expected|` (relative to the golden map's largest
/// magnitude, so maps of every scale are held to the same 1e-4). Returns the measured ratio.
@discardableResult
func expectClose(
    _ actual: Tensor, _ expected: Tensor, _ label: String, tolerance: Float = 1e-4,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Float {
    #expect(
        actual.shape == expected.shape, "\(label): shape \(actual.shape) vs \(expected.shape)",
        sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return .infinity }
    let scale = expected.storage.reduce(0) { max($0, abs($1)) }
    let difference = actual.maxAbsoluteDifference(to: expected)
    let ratio = scale > 0 ? difference / scale : (difference == 0 ? 0 : .infinity)
    if ProcessInfo.processInfo.environment["EXPLAIN_PARITY_REPORT"] != nil { print("parity \(label): \(ratio)") }
    #expect(
        ratio <= tolerance, "\(label): max diff \(difference) vs max |golden| \(scale) (ratio \(ratio))",
        sourceLocation: sourceLocation)
    return ratio
}

import Foundation
import Tensor
import Testing
import ViT

@testable import Explainers

/// The maps of Chefer's official code, run unmodified in float64 by `tools/make_chefer_lrp_fixtures.py`
/// (hila-chefer/Transformer-Explainability at the commit in `cases.json`): `generate_LRP` with `full`
/// (`ViT_orig_LRP`), `last_layer` (`ViT_orig_LRP`) and `transformer_attribution` (`ViT_LRP`, start 1 and 0), on a
/// random-init ViT (32 px, patch 8, width 48, depth 3, 3 heads, 10 classes, every parameter N(0, 0.3)), each
/// with their final-norm epsilon 1e-5 (`final-eps=chefer`) and with timm's 1e-6 (`final-eps=model`).
private struct CheferLRPFixture {
    struct Manifest: Decodable {
        struct Geometry: Decodable {
            let imageSize, patchSize, embedDim, depth, heads, classes: Int
        }

        struct Case: Decodable {
            let image: Int
            let classIndex: Int
            let method: String
            let options: [String: Int]
            let eps: String
            let file: String
            let float32Spread: Double
        }

        let cheferCommit: String
        let geometry: Geometry
        let cases: [Case]
    }

    let folder: URL
    let manifest: Manifest
    let model: ViTModel
    let input: Tensor

    init() throws {
        let resources = try #require(Bundle.module.resourceURL)
        folder = resources.appendingPathComponent("Fixtures/chefer_lrp")
        manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("cases.json")))
        let geometry = manifest.geometry
        let config = ViTConfig(
            imageSize: geometry.imageSize, patchSize: geometry.patchSize, embedDim: geometry.embedDim,
            depth: geometry.depth, heads: geometry.heads, classes: geometry.classes)
        model = ViTModel(
            weights: try Checkpoint.load(
                contentsOf: folder.appendingPathComponent("model.safetensors").path, config: config))
        input = try NPY.read(contentsOf: folder.appendingPathComponent("input.npy").path)
    }

    /// The method id of a case: `transformer-attribution:start=0`, `lrp:final-eps=chefer`, ...
    static func methodID(_ testCase: Manifest.Case) -> String {
        var options = testCase.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if testCase.eps == "chefer" { options.append("final-eps=chefer") }
        return options.isEmpty ? testCase.method : "\(testCase.method):\(options.joined(separator: ":"))"
    }
}

@Suite("LRP methods against Chefer's official code in float64")
struct CheferLRPParityTests {
    /// Largest `max |ours - theirs| / max |theirs|` per method. The LRP pass is float64 like theirs, so only the
    /// float32 rounding of the results is left for `lrp` and `partial-lrp`; transformer attribution multiplies
    /// by a float32 gradient (from the model's own final-norm epsilon) and rolls out in float32.
    static let tolerances: [String: Double] = ["lrp": 1e-6, "partial-lrp": 1e-6, "transformer-attribution": 2e-6]

    @Test("every map equals the official code's float64 map")
    func matchesOfficialCode() throws {
        let fixture = try CheferLRPFixture()
        #expect(fixture.manifest.cases.count == 32)
        #expect(Set(fixture.manifest.cases.map(\.method)) == Set(Self.tolerances.keys))
        let pixelCount = 3 * fixture.manifest.geometry.imageSize * fixture.manifest.geometry.imageSize
        var worst: [String: Double] = [:]
        var worstFloat32: [String: Double] = [:]
        for testCase in fixture.manifest.cases {
            let image = Tensor(
                shape: [1, 3, fixture.manifest.geometry.imageSize, fixture.manifest.geometry.imageSize],
                storage: Array(fixture.input.storage[testCase.image * pixelCount..<(testCase.image + 1) * pixelCount]))
            let context = try ExplanationContext(model: fixture.model, input: image, targetClass: testCase.classIndex)
            let id = CheferLRPFixture.methodID(testCase)
            let map = try MethodRegistry.builtIn.method(id).explain(context).grid
            let golden: Tensor = try NPY.read(contentsOf: fixture.folder.appendingPathComponent(testCase.file).path)
            try #require(map.count == golden.count, "\(testCase.file): \(map.shape) vs \(golden.shape)")
            let scale = golden.storage.reduce(0) { max($0, Double(abs($1))) }
            let difference = zip(map.storage, golden.storage).reduce(0) { max($0, Double(abs($1.0 - $1.1))) }
            let ratio = difference / scale
            let tolerance = try #require(Self.tolerances[testCase.method])
            #expect(ratio <= tolerance, "\(testCase.file) (\(id)): \(ratio) of max \(scale)")
            worst[testCase.method] = max(worst[testCase.method] ?? 0, ratio)
            worstFloat32[testCase.method] = max(worstFloat32[testCase.method] ?? 0, testCase.float32Spread)
        }
        print(
            "Chefer \(fixture.manifest.cheferCommit.prefix(8)) float64: ours within \(worst); their float32 spread \(worstFloat32)"
        )
    }
}

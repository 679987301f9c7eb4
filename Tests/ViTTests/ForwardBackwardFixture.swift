import Foundation
import Tensor
import Testing
import ViT

/// One model of `Fixtures/parity/` (written by `tools/make_vit_fixtures.py` with PyTorch 2.15 + timm 1.0.31 /
/// transformers): its checkpoint and the reference stack's goldens for a batch of two inputs.
struct ForwardBackwardFixture {
    /// The fixture models: a timm `VisionTransformer` (depth 3), a timm distilled DeiT and a Hugging Face
    /// `ViTForImageClassification` (depth 2 each); all 32 px, patch 8, width 48, 3 heads, 10 classes.
    static let models = ["vit", "deit", "hf"]
    /// The backward cases: the target and mode each golden file prefix stands for.
    static let cases: [(name: String, target: BackwardTarget, mode: BackwardMode)] = [
        ("logit", .logit, .standard),
        ("probability", .probability, .standard),
        ("detached_logit", .logit, .detachedAttentionInputs),
    ]

    let folder: URL
    let model: ViTModel

    init(_ name: String) throws {
        let resources = try #require(Bundle.module.resourceURL)
        folder = resources.appendingPathComponent("Fixtures/parity/\(name)")
        let weights = try Checkpoint.load(
            contentsOf: folder.appendingPathComponent("model.safetensors").path, heads: 3)
        model = ViTModel(weights: weights)
    }

    /// A golden array by file stem.
    func golden(_ stem: String) throws -> Tensor {
        try NPY.read(contentsOf: folder.appendingPathComponent("\(stem).npy").path)
    }

    /// The batch of input pixels `[2, 3, 32, 32]`.
    func input() throws -> Tensor { try golden("input") }

    /// The class each image's gradients are taken for (image 0: its prediction; image 1: another class).
    func classes() throws -> [Int] { try golden("classes").storage.map { Int($0) } }
}

/// The parity rule for one tensor: `max |actual - expected| <= 1e-4 * max |expected|` (relative to the golden
/// tensor's largest magnitude, so tensors of any scale are held to the same 1e-4; a zero golden must match
/// exactly). Returns the measured ratio; `VIT_PARITY_REPORT=1` prints it for every tensor.
@discardableResult
func expectClose(
    _ actual: Tensor, _ expected: Tensor, _ label: String, tolerance: Float = 1e-4,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Float {
    #expect(actual.shape == expected.shape, "\(label): shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return .infinity }
    let scale = expected.storage.reduce(0) { max($0, abs($1)) }
    let difference = actual.maxAbsoluteDifference(to: expected)
    let ratio = scale > 0 ? difference / scale : (difference == 0 ? 0 : .infinity)
    if ProcessInfo.processInfo.environment["VIT_PARITY_REPORT"] != nil { print("parity \(label): \(ratio)") }
    #expect(
        ratio <= tolerance, "\(label): max diff \(difference) vs max |golden| \(scale) (ratio \(ratio))",
        sourceLocation: sourceLocation)
    return ratio
}

/// The `[B, ...]` slices of `tensor` at `layer` of a `[L, B, ...]` stack.
func layer(_ tensor: Tensor, _ index: Int) -> Tensor { tensor.slice(index) }

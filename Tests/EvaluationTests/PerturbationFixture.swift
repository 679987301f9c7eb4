import Evaluation
import Foundation
import Imaging
import Tensor
import Testing
import ViT

/// `Fixtures/perturbation/` (written by `tools/make_perturbation_fixtures.py`, PyTorch 2.15 + timm 1.0.31 +
/// scipy): a tiny timm ViT (32 px, patch 8, width 48, depth 2, 3 heads, 10 classes), three normalised images
/// (ImageNet mean/std), three maps (continuous, 8 tied levels, 30 % tied zeros), and the reference's curves.
struct PerturbationFixture {
    /// The parts of `meta.json` the tests read.
    struct Meta: Decodable {
        var mean: [Float]
        var std: [Float]
        var datasetMean: [Float]
        var schedules: [String: [Double]]
        var riseStep: Int
        var counts: [String: [Int]]
        var areas: [String: [String: AreaValue]]
        var predicted: [Int]

        enum CodingKeys: String, CodingKey {
            case mean, std, schedules, counts, areas, predicted
            case datasetMean = "dataset_mean"
            case riseStep = "rise_step"
        }
    }

    /// An area entry: one number (dataset level) or one per image.
    enum AreaValue: Decodable {
        case number(Double)
        case list([Double])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .list(try container.decode([Double].self))
            }
        }

        var number: Double? {
            if case .number(let value) = self { return value }
            return nil
        }

        var list: [Double]? {
            if case .list(let values) = self { return values }
            return nil
        }
    }

    let folder: URL
    let model: ViTModel
    let meta: Meta
    let images: Tensor
    let maps: Tensor
    let labels: [Int]

    init() throws {
        let resources = try #require(Bundle.module.resourceURL)
        folder = resources.appendingPathComponent("Fixtures/perturbation")
        model = ViTModel(
            weights: try Checkpoint.load(contentsOf: folder.appendingPathComponent("model.safetensors").path, heads: 3))
        meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: folder.appendingPathComponent("meta.json")))
        images = try NPY.read(contentsOf: folder.appendingPathComponent("images.npy").path)
        maps = try NPY.read(contentsOf: folder.appendingPathComponent("maps.npy").path)
        labels = try NPY.read(contentsOf: folder.appendingPathComponent("labels.npy").path).storage.map { Int($0) }
    }

    /// A golden array by file stem.
    func golden(_ stem: String) throws -> Tensor {
        try NPY.read(contentsOf: folder.appendingPathComponent("\(stem).npy").path)
    }

    /// The fixture's normalisation (ImageNet mean/std; dataset mean 0.5 gray).
    var normalization: PerturbationNormalization {
        PerturbationNormalization(
            ChannelNormalization(
                mean: SIMD3(meta.mean[0], meta.mean[1], meta.mean[2]), std: SIMD3(meta.std[0], meta.std[1], meta.std[2])
            ),
            datasetMean: SIMD3(meta.datasetMean[0], meta.datasetMean[1], meta.datasetMean[2]))
    }

    var imageCount: Int { images.shape[0] }
}

import ArgumentParser
import Datasets
import Foundation
import Imaging
import ViT

/// The small ViT trained on the synthetic dataset (`tools/train_demo_model.py`), committed in `models/demo`.
///
/// `models/demo/config.json` gives what the weights alone cannot: the head count, the input size and the
/// normalisation the model was trained with. The folder is found next to the package sources (where
/// `swift run` builds from), then under the working directory.
enum DemoModel {
    static let name = "demo"

    /// The folder holding `model.safetensors` and `config.json`.
    static var folder: URL? {
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [
            sourceRoot.appendingPathComponent("models/demo"),
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("models/demo"),
        ]
        return candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("model.safetensors").path)
        }
    }

    struct Config: Decodable {
        var heads: Int
        var imageSize: Int
        var mean: [Float]
        var std: [Float]
        var interpolation: String
        var heldOutAccuracy: Double?

        enum CodingKeys: String, CodingKey {
            case heads
            case imageSize = "image_size"
            case mean
            case std
            case interpolation
            case heldOutAccuracy = "held_out_accuracy"
        }
    }

    /// Loads the demo model.
    static func load() throws -> ModelOptions.Loaded {
        guard let folder else {
            throw ValidationError(
                "the demo model (models/demo/model.safetensors) is missing; give --model and --weights, or "
                    + "train it with tools/train_demo_model.py")
        }
        let weightsPath = folder.appendingPathComponent("model.safetensors").path
        let configPath = folder.appendingPathComponent("config.json")
        let config: Config
        do {
            config = try JSONDecoder().decode(Config.self, from: Data(contentsOf: configPath))
        } catch {
            throw ValidationError("\(configPath.path): \(error)")
        }
        let file = try SafeTensorsFile(contentsOf: weightsPath)
        let family = try Checkpoint.family(of: file)
        let modelConfig = try Checkpoint.inferConfig(of: file, family: family, heads: config.heads)
        guard modelConfig.imageSize == config.imageSize, config.mean.count == 3, config.std.count == 3 else {
            throw ValidationError("\(configPath.path) does not describe \(weightsPath)")
        }
        let model = ViTModel(weights: try Checkpoint.load(file, family: family, config: modelConfig))
        var settings = PreprocessingSettings(model: "vit_base_patch16_224")
        settings.size = config.imageSize
        settings.policy = .squash
        settings.cropPct = 1
        settings.normalization = ChannelNormalization(
            mean: SIMD3(config.mean[0], config.mean[1], config.mean[2]),
            std: SIMD3(config.std[0], config.std[1], config.std[2]))
        settings.interpolation = PILResize.Filter(rawValue: config.interpolation) ?? .bilinear
        return ModelOptions.Loaded(
            name: name, weightsPath: weightsPath, model: model, preprocessing: settings,
            classNames: SyntheticGenerator.classNames, loadSeconds: 0)
    }
}

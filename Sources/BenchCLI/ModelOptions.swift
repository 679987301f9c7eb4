import ArgumentParser
import Foundation
import Reports
import ViT

/// The options that choose a model and its checkpoint; shared by the commands that run one.
struct ModelOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Model name (architecture preset and preprocessing), e.g. vit_base_patch16_224.",
            discussion: "Default: the bundled demo model (models/demo) when --weights is not given."))
    var model: String?

    @Option(help: "The checkpoint (.safetensors, timm or Hugging Face names).")
    var weights: String?

    @Option(help: "Attention heads when --model is not a preset (default: width / 64).")
    var heads: Int?

    @Option(help: "Normalisation mean as R,G,B (default: the model's).")
    var mean: String?

    @Option(help: "Normalisation std as R,G,B (default: the model's).")
    var std: String?

    /// A loaded checkpoint with the preprocessing a run uses.
    struct Loaded {
        var name: String
        var weightsPath: String
        var model: ViTModel
        /// Squash to the input size, crop 1 (what every protocol's reference code does), unless loaded with
        /// `squash: false`.
        var preprocessing: PreprocessingSettings
        var classNames: [String]?
        var loadSeconds: Double
    }

    func validateOptions() throws {
        if let heads, heads <= 0 { throw ValidationError("--heads must be positive.") }
        if weights == nil && model != nil && model != DemoModel.name {
            throw ValidationError("--model \(model ?? "") needs --weights (a .safetensors checkpoint).")
        }
        if let weights, !FileManager.default.fileExists(atPath: weights) {
            throw ValidationError("\(weights): checkpoint not found.")
        }
        _ = try mean.map { try Self.triple($0, option: "--mean") }
        _ = try std.map { try Self.triple($0, option: "--std") }
    }

    /// Loads the checkpoint (the demo model when none is given).
    /// - Parameter squash: feed the whole image squashed to the input size (crop 1), as every protocol's
    ///   reference code does; `false` keeps the preprocessing of the model's pretrained config (`bench explain`).
    func load(squash: Bool = true) throws -> Loaded {
        let start = Date()
        guard let weights else {
            var demo = try DemoModel.load()
            demo.loadSeconds = Date().timeIntervalSince(start)
            return demo
        }
        let name = model ?? URL(fileURLWithPath: weights).deletingPathExtension().lastPathComponent
        let file = try SafeTensorsFile(contentsOf: weights)
        let family = try Checkpoint.family(of: file)
        let preset = ViTConfig.preset(named: name)
        let inferred = try Checkpoint.inferConfig(of: file, family: family, heads: heads ?? preset?.heads)
        var config = inferred
        if let preset {
            // The preset fixes the architecture; the head size and LayerNorm epsilon follow the checkpoint.
            config = preset
            config.classes = inferred.classes
            config.layerNormEpsilon = family.layerNormEpsilon
        }
        guard config.channels == 3 else {
            throw ValidationError("\(weights): the model takes \(config.channels) input channels; only RGB works")
        }
        let loaded = ViTModel(weights: try Checkpoint.load(file, family: family, config: config))
        var settings = PreprocessingSettings(model: name)
        settings.size = config.imageSize
        if squash {
            settings.policy = .squash
            settings.cropPct = 1
        }
        if let mean { settings.mean = try Self.triple(mean, option: "--mean") }
        if let std { settings.std = try Self.triple(std, option: "--std") }
        return Loaded(
            name: name, weightsPath: weights, model: loaded, preprocessing: settings,
            classNames: config.classes == 1000 ? ImageNetClasses.descriptions : nil,
            loadSeconds: Date().timeIntervalSince(start))
    }

    static func triple(_ text: String, option: String) throws -> SIMD3<Float> {
        let parts = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy(\.isFinite) else {
            throw ValidationError("\(option) must be three numbers R,G,B.")
        }
        return SIMD3(parts[0], parts[1], parts[2])
    }
}

import ArgumentParser
import Foundation
import Imaging
import Reports
import ViT

extension PreprocessingSettings.Policy: ExpressibleByArgument {}
extension PILResize.Filter: ExpressibleByArgument {}

/// The options that choose a model, its checkpoint and its preprocessing; shared by `bench run`, `bench explain`
/// and `bench predict`, so one image is preprocessed the same way by all three.
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

    @Option(
        help: ArgumentHelp(
            "Resize policy: squash or timm.",
            discussion: """
                squash resizes the whole image to the input size (crop 1 unless --crop-pct), as every protocol's \
                reference code feeds it; timm resizes the shorter side to size / crop_pct and centre-crops, as \
                timm's pretrained eval transform. Default: squash for run and explain (so explain shows the maps a \
                run scores), the model's pretrained config for predict.
                """))
    var policy: PreprocessingSettings.Policy?

    @Option(name: .customLong("crop-pct"), help: "timm's crop_pct (default: 1 with squash, else the model's).")
    var cropPct: Double?

    @Option(help: "Resampling filter: nearest, bilinear or bicubic (default: the model's).")
    var interpolation: PILResize.Filter?

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
        if let cropPct, !(cropPct > 0 && cropPct <= 4) { throw ValidationError("--crop-pct must be in (0, 4].") }
        _ = try mean.map { try Self.triple($0, option: "--mean") }
        _ = try std.map { try Self.triple($0, option: "--std") }
    }

    /// `settings` (the model's own) with the command line's preprocessing applied; `defaultPolicy` applies
    /// when `--policy` is absent (nil keeps the model's). Squash without `--crop-pct` resizes straight to the
    /// input size (crop_pct 1).
    func preprocessing(_ model: PreprocessingSettings, defaultPolicy: PreprocessingSettings.Policy?) throws
        -> PreprocessingSettings
    {
        var settings = model
        if let chosen = policy ?? defaultPolicy {
            settings.policy = chosen
            if chosen == .squash { settings.cropPct = 1 }
        }
        if let cropPct { settings.cropPct = cropPct }
        if let interpolation { settings.interpolation = interpolation }
        if let mean { settings.normalization.mean = try Self.triple(mean, option: "--mean") }
        if let std { settings.normalization.std = try Self.triple(std, option: "--std") }
        return settings
    }

    /// Loads the checkpoint (the demo model when none is given) with the command line's preprocessing.
    /// - Parameters:
    ///   - defaultPolicy: the resize policy when `--policy` is absent; nil keeps the model's pretrained config.
    ///   - warn: told when the architecture is guessed (a name that is no preset, without `--heads`).
    func load(
        defaultPolicy: PreprocessingSettings.Policy? = .squash, warn: (String) -> Void = { _ in }
    ) throws -> Loaded {
        let start = Date()
        guard let weights else {
            var demo = try DemoModel.load()
            demo.preprocessing = try preprocessing(demo.preprocessing, defaultPolicy: defaultPolicy)
            demo.loadSeconds = Date().timeIntervalSince(start)
            return demo
        }
        let name = model ?? URL(fileURLWithPath: weights).deletingPathExtension().lastPathComponent
        let file = try SafeTensorsFile(contentsOf: weights)
        let family = try Checkpoint.family(of: file)
        let preset = ViTConfig.preset(named: name)
        let inferred = try Checkpoint.inferConfig(of: file, family: family, heads: heads ?? preset?.heads)
        if preset == nil && heads == nil {
            warn(
                "warning: \(name) is no preset, so its head count is a guess: \(inferred.heads) (width "
                    + "\(inferred.embedDim) / 64); give --heads if the checkpoint has another")
        }
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
        var pretrained = PreprocessingSettings(model: name)
        pretrained.size = config.imageSize
        return Loaded(
            name: name, weightsPath: weights, model: loaded,
            preprocessing: try preprocessing(pretrained, defaultPolicy: defaultPolicy),
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

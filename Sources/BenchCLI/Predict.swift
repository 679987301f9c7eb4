import ArgumentParser
import Foundation
import Imaging
import Tensor
import ViT

/// `bench predict`: classifies images with a ViT checkpoint and prints the top-k classes.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify images with a ViT checkpoint (safetensors) and print the top-k classes.",
        discussion: """
            --model names the architecture and its preprocessing, e.g. vit_base_patch16_224, \
            vit_base_patch16_224.augreg2_in21k_ft_in1k, deit_base_distilled_patch16_224 or \
            google/vit-base-patch16-224. The weights may use timm or Hugging Face key names (convert any timm \
            model with tools/export_timm.py). A name that is no preset infers the geometry from the weights \
            (heads from --heads, else width / 64). Preprocessing follows timm's pretrained config of the tag and \
            can be overridden field by field. Class names are ImageNet's for 1000-class heads.
            """)

    @Option(help: "Model name (preset and preprocessing), e.g. vit_base_patch16_224.augreg2_in21k_ft_in1k.")
    var model: String

    @Option(help: "The checkpoint (.safetensors, timm or Hugging Face names).")
    var weights: String

    @Option(name: .customLong("image"), help: "An image to classify (repeat for several; they run as one batch).")
    var images: [String]

    @Option(help: "How many classes to print per image.")
    var top: Int = 5

    @Option(help: "Resize policy: timm (shorter side to size/crop_pct, centre crop) or squash (resize to size x size).")
    var policy: String?

    @Option(name: .customLong("crop-pct"), help: "timm's crop_pct (default: the model's; 1 with --policy squash).")
    var cropPct: Double?

    @Option(help: "Resampling filter: nearest, bilinear or bicubic (default: the model's).")
    var interpolation: String?

    @Option(help: "Normalisation mean as R,G,B (default: the model's).")
    var mean: String?

    @Option(help: "Normalisation std as R,G,B (default: the model's).")
    var std: String?

    @Option(help: "Attention heads when --model is not a preset (default: width / 64).")
    var heads: Int?

    @Option(help: "OpenBLAS threads (default: OpenBLAS's own, all cores unless OPENBLAS_NUM_THREADS says otherwise).")
    var threads: Int?

    func validate() throws {
        guard top > 0 else { throw ValidationError("--top must be positive.") }
        guard !images.isEmpty else { throw ValidationError("Give at least one --image.") }
        // Checked before the (slow) weight loading, so a typo fails at once.
        for path in images where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path): image not found.")
        }
        if let policy, PreprocessingSettings.Policy(rawValue: policy) == nil {
            throw ValidationError("--policy must be timm or squash.")
        }
        if let interpolation, PILResize.Filter(rawValue: interpolation) == nil {
            throw ValidationError("--interpolation must be nearest, bilinear or bicubic.")
        }
        if let cropPct, !(cropPct > 0 && cropPct <= 4) { throw ValidationError("--crop-pct must be in (0, 4].") }
        if let heads, heads <= 0 { throw ValidationError("--heads must be positive.") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive.") }
        _ = try mean.map { try Self.triple($0, option: "--mean") }
        _ = try std.map { try Self.triple($0, option: "--std") }
    }

    func run() throws {
        if let threads { BLAS.threadCount = threads }
        let start = Date()
        let file = try SafeTensorsFile(contentsOf: weights)
        let family = try Checkpoint.family(of: file)
        let preset = ViTConfig.preset(named: model)
        let inferred = try Checkpoint.inferConfig(of: file, family: family, heads: heads ?? preset?.heads)
        var config = inferred
        if let preset {
            // The preset fixes the architecture; the head size and LayerNorm epsilon follow the checkpoint
            // (fine-tuned heads, and Hugging Face's 1e-12 under a timm name).
            config = preset
            config.classes = inferred.classes
            config.layerNormEpsilon = family.layerNormEpsilon
        }
        guard config.channels == 3 else {
            throw ValidationError(
                "\(self.weights): the model takes \(config.channels) input channels; only RGB (3) is supported")
        }
        let weights = try Checkpoint.load(file, family: family, config: config)
        let loadSeconds = Date().timeIntervalSince(start)
        let settings = try preprocessingSettings(imageSize: config.imageSize)

        print("model      \(model): \(Self.describe(config, family: family))")
        print("weights    \(self.weights) (loaded in \(String(format: "%.2f", loadSeconds)) s)")
        print("preprocess \(Self.describe(settings))")
        var inputs: [Float] = []
        var sizes: [(Int, Int)] = []
        for path in images {
            let image = try ImageDecoder.decodeRGB(contentsOf: path)
            sizes.append((image.width, image.height))
            inputs += Preprocessing.input(image, settings: settings).storage
        }
        let batch = Tensor(shape: [images.count, 3, config.imageSize, config.imageSize], storage: inputs)
        let forwardStart = Date()
        let logits = ViTModel(weights: weights).logits(batch)
        let forwardSeconds = Date().timeIntervalSince(forwardStart)
        print("forward    batch \(images.count) in \(String(format: "%.3f", forwardSeconds)) s")
        for (index, path) in images.enumerated() {
            print("\(path) (\(sizes[index].0)x\(sizes[index].1))")
            let row = Array(logits.storage[(index * config.classes)..<((index + 1) * config.classes)])
            for (rank, entry) in Self.topClasses(row, count: top).enumerated() {
                let name = config.classes == 1000 ? ImageNetClasses.descriptions[entry.index] : "class \(entry.index)"
                print(
                    "  \(rank + 1). \(String(format: "%.4f", entry.probability))  [\(entry.index)] \(name)"
                        + "  (logit \(String(format: "%.4f", entry.logit)))")
            }
        }
    }

    /// The model's preprocessing with the command-line overrides applied; `--policy squash` without `--crop-pct`
    /// squashes straight to the input size (crop_pct 1).
    private func preprocessingSettings(imageSize: Int) throws -> PreprocessingSettings {
        var settings = PreprocessingSettings(model: model)
        settings.size = imageSize
        if let policy, let chosen = PreprocessingSettings.Policy(rawValue: policy) {
            if chosen == .squash && settings.policy != .squash && cropPct == nil { settings.cropPct = 1 }
            settings.policy = chosen
        }
        if let cropPct { settings.cropPct = cropPct }
        if let interpolation, let filter = PILResize.Filter(rawValue: interpolation) {
            settings.interpolation = filter
        }
        if let mean { settings.mean = try Self.triple(mean, option: "--mean") }
        if let std { settings.std = try Self.triple(std, option: "--std") }
        return settings
    }

    /// Three comma-separated numbers.
    private static func triple(_ text: String, option: String) throws -> SIMD3<Float> {
        let values = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3 else { throw ValidationError("\(option) needs three comma-separated numbers.") }
        return SIMD3(values[0], values[1], values[2])
    }

    /// The `count` most probable classes of one row of logits (softmax in double precision), best first.
    static func topClasses(_ logits: [Float], count: Int) -> [(index: Int, probability: Double, logit: Float)] {
        let largest = Double(logits.max() ?? 0)
        let exponentials = logits.map { exp(Double($0) - largest) }
        let total = exponentials.reduce(0, +)
        let order = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        return order.prefix(count).map { ($0, exponentials[$0] / total, logits[$0]) }
    }

    private static func describe(_ config: ViTConfig, family: CheckpointFamily) -> String {
        "\(family.rawValue) names, \(config.depth) blocks, width \(config.embedDim), \(config.heads) heads, "
            + "\(config.imageSize) px, patch \(config.patchSize), \(config.classes) classes"
            + (config.distilled ? ", distilled" : "")
    }

    private static func describe(_ settings: PreprocessingSettings) -> String {
        let resize =
            settings.policy == .timm
            ? "resize shorter side to \(settings.scaleSize)" : "resize to \(settings.scaleSize)x\(settings.scaleSize)"
        return "\(settings.policy.rawValue): \(resize) (\(settings.interpolation.rawValue)), centre crop "
            + "\(settings.size), mean \(Self.format(settings.mean)), std \(Self.format(settings.std))"
    }

    private static func format(_ values: SIMD3<Float>) -> String {
        "(\(values.x), \(values.y), \(values.z))"
    }
}

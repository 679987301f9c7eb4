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
            (heads from --heads, else width / 64, with a warning). Preprocessing follows timm's pretrained config \
            of the tag and can be overridden field by field. Class names are ImageNet's for 1000-class heads. \
            Without --model and --weights: the bundled demo model, its preprocessing and its class names. \
            Logits that are NaN or infinite are an error naming the checkpoint.
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .customLong("image"), help: "An image to classify (repeat for several; they run as one batch).")
    var images: [String]

    @Option(help: "How many classes to print per image.")
    var top: Int = 5

    @Option(help: "OpenBLAS threads (default: OpenBLAS's own, all cores unless OPENBLAS_NUM_THREADS says otherwise).")
    var threads: Int?

    @Option(name: .customLong("max-image-pixels"), help: PixelLimitOption.help)
    var maxImagePixels: Int?

    func validate() throws {
        guard top > 0 else { throw ValidationError("--top must be positive.") }
        guard !images.isEmpty else { throw ValidationError("Give at least one --image.") }
        // Checked before the (slow) weight loading, so a typo fails at once.
        for path in images where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path): image not found.")
        }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive.") }
        try PixelLimitOption.validate(maxImagePixels)
        try modelOptions.validateOptions()
    }

    func run() throws {
        if let threads { BLAS.threadCount = threads }
        try PixelLimitOption.apply(maxImagePixels)
        let loaded = try modelOptions.load(defaultPolicy: nil, warn: Self.log)
        let config = loaded.model.config
        let settings = loaded.preprocessing
        print("model      \(loaded.name): \(Self.describe(config))")
        print("weights    \(loaded.weightsPath) (loaded in \(String(format: "%.2f", loaded.loadSeconds)) s)")
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
        let logits = loaded.model.logits(batch)
        let forwardSeconds = Date().timeIntervalSince(forwardStart)
        print("forward    batch \(images.count) in \(String(format: "%.3f", forwardSeconds)) s")
        for (index, path) in images.enumerated() {
            let row = Array(logits.storage[(index * config.classes)..<((index + 1) * config.classes)])
            guard row.allSatisfy(\.isFinite) else {
                throw PredictError.nonFiniteLogits(
                    checkpoint: loaded.weightsPath, image: path, count: row.filter { !$0.isFinite }.count)
            }
            print("\(path) (\(sizes[index].0)x\(sizes[index].1))")
            for (rank, entry) in Self.topClasses(row, count: top).enumerated() {
                let name =
                    loaded.classNames.flatMap { $0.indices.contains(entry.index) ? $0[entry.index] : nil }
                    ?? "class \(entry.index)"
                print(
                    "  \(rank + 1). \(String(format: "%.4f", Double(entry.probability)))  [\(entry.index)] \(name)"
                        + "  (logit \(String(format: "%.4f", entry.logit)))")
            }
        }
    }

    private static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The `count` most probable classes of one row of logits, best first, with their float32 probabilities
    /// (``ClassRanking``: the values a run's filter and `top1-probability` rows use).
    static func topClasses(_ logits: [Float], count: Int) -> [(index: Int, probability: Float, logit: Float)] {
        let ranking = ClassRanking(logits: logits)
        return ranking.top(count).map { ($0, ranking.probabilities[$0], logits[$0]) }
    }

    private static func describe(_ config: ViTConfig) -> String {
        "\(config.depth) blocks, width \(config.embedDim), \(config.heads) heads, "
            + "\(config.imageSize) px, patch \(config.patchSize), \(config.classes) classes"
            + (config.distilled ? ", distilled" : "")
    }

    private static func describe(_ settings: PreprocessingSettings) -> String {
        let resize =
            settings.policy == .timm
            ? "resize shorter side to \(settings.scaleSize)" : "resize to \(settings.scaleSize)x\(settings.scaleSize)"
        return "\(settings.policy.rawValue): \(resize) (\(settings.interpolation.rawValue)), centre crop "
            + "\(settings.size), mean \(Self.format(settings.normalization.mean)), std \(Self.format(settings.normalization.std))"
    }

    private static func format(_ values: SIMD3<Float>) -> String {
        "(\(values.x), \(values.y), \(values.z))"
    }
}

/// Why `bench predict` could not classify an image.
enum PredictError: Error, CustomStringConvertible {
    /// The model's logits for an image hold NaN or infinite values.
    case nonFiniteLogits(checkpoint: String, image: String, count: Int)

    var description: String {
        switch self {
        case .nonFiniteLogits(let checkpoint, let image, let count):
            "\(checkpoint): the model's logits for \(image) are not finite (\(count) NaN or infinite); "
                + "the checkpoint may be corrupt or not match --model"
        }
    }
}

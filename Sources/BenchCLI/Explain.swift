import ArgumentParser
import Explainers
import Foundation
import Imaging
import Tensor
import ViT

/// `bench explain`: explains one image with a list of methods and writes maps, overlays, the prediction and a
/// contact sheet (the work is ``ExplanationReport``'s).
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain one image with several methods; write maps, overlays, prediction.json and sheet.png.",
        discussion: """
            Writes into --out, per method: <id>.grid.npy (the raw map: patch grid or pixels), <id>.npy (input \
            resolution, bilinear align_corners=False, min-max normalised, float32) and <id>.png (jet overlay on the \
            preprocessed image, as Chefer's show_cam_on_image); plus prediction.json (target, top-5, logits, \
            probabilities) and sheet.png (the image and every method side by side). Ids with options become file \
            names with ':' replaced by '_' (rollout:start=1 -> rollout_start=1). A method that fails is reported and \
            the others still run. --model and --weights work as in `bench predict` (without them, the bundled demo \
            model). The image is preprocessed as `bench run` preprocesses it (--policy squash: the whole image \
            resized to the input size), so the maps are those a run scores; --policy timm uses timm's resize and \
            centre crop instead. See `bench methods` for ids.
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "The image to explain (PNG or JPEG); its file stem is the image id for maps:DIR.")
    var image: String

    @Option(help: "Comma-separated method ids with options, or all (see `bench methods`).")
    var methods: String = "all"

    @Option(name: .customLong("maps"), help: "A named set of maps from disk, NAME=DIR (repeatable).")
    var maps: [String] = []

    @Option(name: .customLong("class"), help: "The class to explain: top1 (the prediction), top2, ... or an index.")
    var targetClass: String = "top1"

    @Option(help: "The output folder (created if needed).")
    var out: String

    @Option(help: "OpenBLAS threads (default: OpenBLAS's own).")
    var threads: Int?

    @Option(name: .customLong("max-image-pixels"), help: PixelLimitOption.help)
    var maxImagePixels: Int?

    func validate() throws {
        guard FileManager.default.fileExists(atPath: image) else { throw ValidationError("\(image): image not found.") }
        guard ExplanationReport.TargetChoice(targetClass) != nil else {
            throw ValidationError("--class must be top1, top2, ... or a class index.")
        }
        try modelOptions.validateOptions()
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive.") }
        try PixelLimitOption.validate(maxImagePixels)
        _ = try methodList()
    }

    func run() throws {
        if let threads { BLAS.threadCount = threads }
        try PixelLimitOption.apply(maxImagePixels)
        let methods = try methodList()
        guard let target = ExplanationReport.TargetChoice(targetClass) else { throw ValidationError("--class") }
        let loaded = try modelOptions.load(defaultPolicy: .squash, warn: Self.log)
        let settings = loaded.preprocessing
        let decoded = try ImageDecoder.decodeRGB(contentsOf: image)
        let cropped = Preprocessing.resizedAndCropped(decoded, settings: settings)
        let planes = cropped.normalizedPlanes(settings.normalization)
        let input = Tensor(shape: [1, 3, settings.size, settings.size], storage: planes)
        Self.log(String(format: "loaded %@ (%@) in %.2f s", loaded.name, loaded.weightsPath, loaded.loadSeconds))

        let imageID = URL(fileURLWithPath: image).deletingPathExtension().lastPathComponent
        let report = try ExplanationReport.write(
            model: loaded.model, image: cropped,
            input: input, methods: methods, target: target,
            imageID: imageID,
            normalization: settings.normalization,
            classNames: loaded.classNames, to: out,
            progress: Self.log)
        let failed = report.outcomes.filter { if case .failure = $0.result { true } else { false } }
        let explained = report.prediction.target
        let name = explained.name == "class \(explained.index)" ? "" : " \(explained.name)"
        print(
            "\(report.outcomes.count - failed.count) of \(report.outcomes.count) methods written to \(out) "
                + "(class \(explained.index)\(name))")
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// The methods of `--methods` followed by the `--maps` sets.
    private func methodList() throws -> [any ExplanationMethod] {
        try MethodSelection.methods(methods, maps: maps)
    }

    private static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

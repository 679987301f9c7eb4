import ArgumentParser
import Datasets
import Foundation
import Imaging

/// The no-argument run: the built-in demo on the synthetic dataset.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the built-in demo (the default when bench is called without a subcommand).",
        discussion: """
            Generates the synthetic dataset into --cache unless the same one is already there, reads its val \
            split back through the Pascal VOC adapter, decodes and checks every sample, preprocesses each image \
            to the 224x224 model input, and prints the inspection report. The explanation methods and the \
            evaluator plug into this run as they land.
            """)

    @Option(help: "Where the synthetic dataset is cached.")
    var cache: String = ".cache/synthetic"

    @Option(help: "Images in the synthetic dataset.")
    var count: Int = 250

    @Option(help: "Seed of the synthetic dataset.")
    var seed: UInt64 = 0

    func validate() throws {
        guard (1...999_999).contains(count) else { throw ValidationError("--count must be in 1...999999.") }
    }

    func run() throws {
        let start = Date()
        if Self.isCached(at: cache, seed: seed, count: count) {
            print("Synthetic dataset: cached in \(cache) (seed \(seed), \(count) images)")
        } else {
            print("Synthetic dataset: writing \(count) images to \(cache) (seed \(seed))")
            let generator = try SyntheticGenerator(seed: seed, count: count)
            let progress = ProgressLine(total: count, label: "rendering")
            try generator.write(to: cache) { done, _ in progress.update(done) }
            progress.finish()
        }
        var options = VOCDataset.Options(split: "val")
        options.classNames = SyntheticGenerator.classNames
        let dataset = try VOCDataset(root: cache, options: options)
        print("Reading the val split through the VOC adapter: \(dataset.count) images")
        let progress = ProgressLine(total: dataset.count, label: "checking")
        let report = DatasetInspection(of: dataset, decode: true) { progress.update($0) }
        progress.finish()

        var inputs = 0
        let preprocessStart = Date()
        for case .success(let sample) in dataset.samples() {
            guard let image = try? sample.loadImage() else { continue }
            let resized = image.resized(shorterSide: 248, filter: .bicubic)
            let input = CenterCrop(size: 224).apply(resized).normalizedPlanes(
                mean: (0.5, 0.5, 0.5), std: (0.5, 0.5, 0.5))
            if input.count == 3 * 224 * 224 { inputs += 1 }
        }
        let preprocessSeconds = Date().timeIntervalSince(preprocessStart)

        print()
        print("| class | val images |")
        print("|---|---:|")
        for (index, name) in dataset.classNames.enumerated() {
            print("| \(name) | \(report.imagesPerClass[index] ?? 0) |")
        }
        print()
        print("valid samples        \(report.validCount) of \(report.sampleCount)")
        print("objects              \(report.objectCount) (\(report.multiClassCount) images hold two classes)")
        print("segmentation masks   \(report.segmentedCount) (void border kept as ignore)")
        print(
            "model inputs         \(inputs) x [3, 224, 224] (timm eval transform: resize 248 bicubic, crop 224) "
                + "in \(String(format: "%.2f", preprocessSeconds)) s")
        for failure in report.failures { print("invalid: \(failure)") }
        print("done in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        if !report.failures.isEmpty { throw ExitCode(1) }
    }

    /// Whether `directory` holds a synthetic dataset written by this generator version with this seed and count.
    static func isCached(at directory: String, seed: UInt64, count: Int) -> Bool {
        guard let data = FileManager.default.contents(atPath: directory + "/synthetic.json"),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return (manifest["version"] as? Int) == SyntheticGenerator.version
            && (manifest["seed"] as? NSNumber)?.uint64Value == seed && (manifest["count"] as? Int) == count
    }
}

import ArgumentParser
import Datasets
import Foundation

/// `bench inspect`: checks a dataset layout and lists every invalid sample.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a dataset layout: counts, classes, split size and every invalid sample.",
        discussion: """
            Opens the dataset as a run would, parses every annotation of the split and checks that each image \
            file exists and each box lies inside its image. With --decode it also decodes every image and mask \
            and checks their sizes and that each labelled class has mask pixels, with the same check a run makes, \
            so a run skips exactly these samples (a failure of a mask alone is marked: a run skips it only when its \
            protocol's ground truth uses that mask). Exits with status 1 when a sample is invalid, so it can \
            guard a script.
            """)

    @OptionGroup var datasetOptions: DatasetOptions

    @Flag(help: "Also decode every image and mask (slower; finds corrupt and truncated files).")
    var decode = false

    @Option(help: "Check only the first N samples.")
    var limit: Int?

    @Option(name: .customLong("max-listed"), help: "List at most this many invalid samples (0 = all).")
    var maxListed: Int = 0

    func validate() throws {
        guard datasetOptions.dataset != nil, datasetOptions.root != nil else {
            throw ValidationError("Give --dataset and --root (see `bench datasets`).")
        }
    }

    func run() throws {
        let dataset = try datasetOptions.open()
        print("dataset  \(dataset.name) (\(datasetOptions.dataset?.summary ?? ""))")
        print("root     \(datasetOptions.root ?? "")")
        print("split    \(dataset.split): \(dataset.count) samples")
        let total = min(dataset.count, limit ?? dataset.count)
        let progress = ProgressLine(total: total, label: "inspecting")
        let report = DatasetInspection(of: dataset, decode: decode, limit: limit) { progress.update($0) }
        progress.finish()
        print(
            "checked  \(report.sampleCount) samples\(decode ? " (images and masks decoded)" : ""): "
                + "\(report.validCount) valid, \(report.failures.count) invalid")
        print(
            "         \(report.segmentedCount) with segmentation masks, \(report.objectCount) objects "
                + "(\(report.difficultCount) difficult), \(report.multiClassCount) images with several classes")
        if let folder = dataset as? FolderDataset, !folder.orphanMasks.isEmpty {
            print("orphan masks (no image with the same stem): \(folder.orphanMasks.count)")
            for path in folder.orphanMasks { print("  \(path)") }
        }
        printClasses(dataset.classNames, counts: report.imagesPerClass)
        guard !report.failures.isEmpty else { return }
        let kinds = Dictionary(grouping: report.failures, by: \.error.kind)
        print(
            "invalid samples by kind: "
                + kinds.keys.sorted().map { "\($0) \(kinds[$0]?.count ?? 0)" }.joined(separator: ", "))
        let listed = maxListed > 0 ? Array(report.failures.prefix(maxListed)) : report.failures
        for failure in listed {
            let note = failure.runNote.isEmpty ? "" : "  " + failure.runNote
            print("  \(failure.sampleID)  [\(failure.error.kind)]  \(failure.error)\(note)")
        }
        if listed.count < report.failures.count { print("  ... \(report.failures.count - listed.count) more") }
        throw ExitCode(1)
    }

    private func printClasses(_ names: [String], counts: [Int: Int]) {
        guard !names.isEmpty else { return }
        print("classes  \(names.count)")
        if names.count > 40 {
            let present = counts.keys.count
            print("         \(present) of them labelled in the checked samples")
            return
        }
        let width = max(12, names.map(\.count).max() ?? 0)
        for (index, name) in names.enumerated() {
            print(
                "  \(String(index).leftPadded(3))  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  "
                    + "\(counts[index] ?? 0) images")
        }
    }
}

extension String {
    /// The string right-aligned in `width` columns.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

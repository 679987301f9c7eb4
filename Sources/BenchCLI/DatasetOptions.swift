import ArgumentParser
import Datasets

extension DatasetKind: ExpressibleByArgument {}

/// The options that choose and open a dataset; shared by every command that reads one.
struct DatasetOptions: ParsableArguments {
    @Option(
        help: "Dataset adapter: \(DatasetKind.allCases.map(\.rawValue).joined(separator: ", ")). See `bench datasets`.")
    var dataset: DatasetKind?

    @Option(help: "Dataset root (what it points at depends on the adapter; see `bench datasets`).")
    var root: String?

    @Option(
        help:
            "Split to read (default: val for voc, imagenet, synthetic; test for cub, wsol and imagenet-seg; all for folder)."
    )
    var split: String?

    @Option(
        name: .customLong("voc-image-set"),
        help: "voc: the ImageSets folder of the split list: segmentation or main.")
    var vocImageSet: String = "segmentation"

    @Option(
        name: .customLong("single-class"),
        help: ArgumentHelp(
            "voc: keep only single-class images: off, non-difficult or all-objects.",
            discussion: """
                non-difficult is Leem & Seo 2024 (AG-CAM): exactly one class has a non-difficult object. \
                all-objects requires every object, difficult ones included, to be of one class.
                """))
    var singleClass: String = "off"

    @Option(help: "imagenet: where the boxes come from: xml, csv or folders (default: detected).")
    var annotations: String?

    @Option(name: .customLong("data-root"), help: "wsol: the folder the image ids (and mask files) resolve against.")
    var dataRoot: String?

    @Option(help: "cub: the segmentations folder, or `none` (default: detected next to or inside the root).")
    var segmentations: String?

    @Option(name: .customLong("class-names"), help: "wsol: a file with one class name per line.")
    var classNamesFile: String?

    @Option(name: .customLong("max-image-pixels"), help: PixelLimitOption.help)
    var maxImagePixels: Int?

    /// Checks the options that need no file system (ArgumentParser calls it for every command using the group).
    func validate() throws {
        try PixelLimitOption.validate(maxImagePixels)
    }

    /// The split this command reads.
    var resolvedSplit: String { split ?? dataset?.defaultSplit ?? "val" }

    /// Opens the dataset, reading its index, and applies `--max-image-pixels` to the whole process (every image
    /// and mask decoded afterwards, on any thread, is held to it).
    /// - Throws: `DatasetError` for a missing root or a wrong layout, `ValidationError` for a bad option.
    func open() throws -> any Dataset {
        guard let dataset, let root else { throw ValidationError("Give both --dataset and --root.") }
        try PixelLimitOption.apply(maxImagePixels)
        switch dataset {
        case .voc, .synthetic:
            guard let imageSet = VOCDataset.ImageSet(rawValue: vocImageSet.capitalized) else {
                throw ValidationError("--voc-image-set must be segmentation or main, not '\(vocImageSet)'")
            }
            guard let selection = VOCDataset.SingleClassSelection(rawValue: singleClass) else {
                throw ValidationError("--single-class must be off, non-difficult or all-objects, not '\(singleClass)'")
            }
            var options = VOCDataset.Options(split: resolvedSplit, imageSet: imageSet, singleClass: selection)
            if dataset == .synthetic { options.classNames = SyntheticGenerator.classNames }
            return try VOCDataset(root: root, options: options)
        case .imagenet:
            var options = ImageNetValDataset.Options()
            if let annotations {
                guard let source = ImageNetValDataset.AnnotationSource(rawValue: annotations) else {
                    throw ValidationError("--annotations must be xml, csv or folders, not '\(annotations)'")
                }
                options.annotationSource = source
            }
            return try ImageNetValDataset(root: root, options: options)
        case .cub:
            guard let split = CUBDataset.Split(rawValue: resolvedSplit) else {
                throw ValidationError("cub splits are train, test and all, not '\(resolvedSplit)'")
            }
            let source: CUBDataset.SegmentationSource =
                switch segmentations {
                case nil: .automatic
                case "none": .none
                case let folder?: .folder(folder)
                }
            return try CUBDataset(root: root, options: CUBDataset.Options(split: split, segmentations: source))
        case .imagenetSegmentation:
            return try ImageNetSegmentationDataset(root: root)
        case .wsol:
            guard let dataRoot else {
                throw ValidationError("--dataset wsol needs --data-root, the folder the image ids resolve against")
            }
            let options = WSOLMetadataDataset.Options(classNamesFile: classNamesFile, split: split)
            return try WSOLMetadataDataset(metadataDirectory: root, dataRoot: dataRoot, options: options)
        case .folder:
            return try FolderDataset(root: root, options: FolderDataset.Options(split: resolvedSplit))
        }
    }
}

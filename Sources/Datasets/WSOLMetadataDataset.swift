import Foundation
import Imaging

/// A split of clovaai/wsolevaluation's metadata (`metadata/<DATASET>/<split>/`) over a separate image root:
/// CUB, ILSVRC and OpenImages30k with wsolevaluation's own boxes, masks and splits (evaluation.md §1.9, §1.10).
///
/// Files read from the metadata folder (comma-separated, no header, no trailing newline after the last line;
/// `image_id` is the image path relative to the data root and keys every file):
/// - `image_ids.txt`: `<image_id>` (or `image_ids_proxy.txt` with ``Options/useProxyImageIDs``).
/// - `class_labels.txt`: `<image_id>,<class index>`, 0-based.
/// - `image_sizes.txt` (optional; empty for OpenImages): `<image_id>,<width>,<height>`.
/// - `localization.txt` (optional; absent for the train splits without localization): either boxes
///   `<image_id>,<x0>,<y0>,<x1>,<y1>` (integers, 0-based inclusive, several lines per image) or OpenImages masks
///   `<image_id>,<mask png>,<ignore png>` (one line per instance; only an image's first line names the ignore PNG).
///
/// Images are `dataRoot/<image_id>`; mask PNGs are `maskRoot/<mask png>` (wsolevaluation's `mask_root`, by
/// default the data root).
///
/// There is no class-name file in the metadata: names are `class_<k>` unless ``Options/classNamesFile`` is given.
public struct WSOLMetadataDataset: Dataset {
    /// One line of `bench datasets`.
    public static let summary =
        "wsolevaluation metadata (CUB, ILSVRC, OpenImages30k): boxes or instance masks with ignore regions"
    /// What the adapter reads, for `bench datasets`.
    public static let reads =
        "metadata/<DATASET>/<split>/{image_ids,class_labels,image_sizes,localization}.txt, images under a data root"

    /// What `localization.txt` holds.
    public enum AnnotationKind: String, Sendable {
        /// No `localization.txt` (or an empty one): labels only.
        case none
        /// Boxes, `<image_id>,<x0>,<y0>,<x1>,<y1>`.
        case boxes
        /// OpenImages instance masks, `<image_id>,<mask png>,<ignore png>`.
        case masks
    }

    /// How the metadata is opened.
    public struct Options: Sendable {
        /// Folder that mask paths are relative to; `nil` = the data root.
        public var maskRoot: String?
        /// A text file with one class name a line (line `k` = class `k`), for example `LOC_synset_mapping.txt`.
        public var classNamesFile: String?
        /// The number of classes when no names file is given; `nil` infers it from the dataset folder name
        /// (`CUB` 200, `ILSVRC` 1000, `OpenImages` 100), else from the largest label + 1.
        public var classCount: Int?
        /// Binarisation of instance and ignore masks. The default ``MaskThreshold/nonZero`` reproduces
        /// `np.float32(cv2.imread(path, cv2.IMREAD_GRAYSCALE)) > 0.5` in `evaluation.py` (`load_mask_image`,
        /// `get_mask`): the level is compared unscaled, so any non-zero level is foreground. Use `.above(127)` for
        /// a 0.5 threshold on the `/255` scale.
        public var maskThreshold: MaskThreshold
        /// Read `image_ids_proxy.txt` (the ILSVRC train proxy subset) instead of `image_ids.txt`.
        public var useProxyImageIDs: Bool
        /// Reject boxes that do not fit the declared size (`0 <= x0 <= x1 <= W - 1`, same for y) with
        /// ``DatasetError/boxOutsideImage(path:box:width:height:)``. With `false` only wsolevaluation's own check
        /// (`util.check_box_convention`: non-negative, `x0 <= x1`, `y0 <= y1`) applies.
        public var requireBoxesInsideImage: Bool
        /// The split name reported; `nil` = the metadata folder's name.
        public var split: String?

        public init(
            maskRoot: String? = nil, classNamesFile: String? = nil, classCount: Int? = nil,
            maskThreshold: MaskThreshold = .nonZero, useProxyImageIDs: Bool = false,
            requireBoxesInsideImage: Bool = true, split: String? = nil
        ) {
            self.maskRoot = maskRoot
            self.classNamesFile = classNamesFile
            self.classCount = classCount
            self.maskThreshold = maskThreshold
            self.useProxyImageIDs = useProxyImageIDs
            self.requireBoxesInsideImage = requireBoxesInsideImage
            self.split = split
        }
    }

    /// The annotations of one image, gathered from the metadata files at open time.
    struct Record: Sendable {
        var label: Int?
        var size: (width: Int, height: Int)?
        var boxes: [(box: BoundingBox, line: Int)] = []
        var maskPaths: [String] = []
        var ignorePath: String?
        /// A problem found while reading this image's lines; thrown by ``sample(at:)``.
        var problem: DatasetError?
    }

    public let name = "wsol"
    public let split: String
    public let classNames: [String]
    /// The metadata folder (`metadata/<DATASET>/<split>`).
    public let metadataDirectory: String
    /// The folder image ids are relative to.
    public let dataRoot: String
    /// The folder mask paths are relative to.
    public let maskRoot: String
    /// What `localization.txt` holds.
    public let annotationKind: AnnotationKind
    let imageIDs: [String]
    let records: [String: Record]
    let options: Options

    public var count: Int { imageIDs.count }

    /// Opens `metadataRoot/<dataset>/<split>` (wsolevaluation's `metadata/CUB/test` layout).
    public init(
        metadataRoot: String, dataset: String, split: String, dataRoot: String, options: Options = Options()
    ) throws {
        var options = options
        options.split = options.split ?? split
        try self.init(
            metadataDirectory: TextTable.join(TextTable.join(metadataRoot, dataset), split), dataRoot: dataRoot,
            options: options)
    }

    /// Opens one metadata split folder and reads all of its files.
    /// - Parameters:
    ///   - metadataDirectory: the folder holding `image_ids.txt` and friends.
    ///   - dataRoot: the folder image ids are relative to.
    ///   - options: mask root, class names, thresholds.
    /// - Throws: ``DatasetError/missingFile(path:)`` when the folder, the data root, `image_ids.txt`,
    ///   `class_labels.txt` or a given names file is absent; ``DatasetError/notAFolder(path:)`` when a folder
    ///   is a file; ``DatasetError/badSplitID(path:line:id:reason:)`` for an image id that repeats, is absolute or
    ///   has a `..` component; ``DatasetError/malformedAnnotation(path:reason:)`` naming the file and line for a
    ///   line that does not parse or a `localization.txt` that mixes box and mask lines.
    public init(metadataDirectory: String, dataRoot: String, options: Options = Options()) throws {
        try TextTable.requireFolder(metadataDirectory)
        try TextTable.requireFolder(dataRoot)
        self.metadataDirectory = metadataDirectory
        self.dataRoot = dataRoot
        self.maskRoot = options.maskRoot ?? dataRoot
        self.options = options
        let folderName = URL(fileURLWithPath: metadataDirectory).standardizedFileURL.lastPathComponent
        self.split = options.split ?? folderName

        let idsPath = TextTable.join(
            metadataDirectory, options.useProxyImageIDs ? "image_ids_proxy.txt" : "image_ids.txt")
        var imageIDs: [String] = []
        var records: [String: Record] = [:]
        var seen: [String: Int] = [:]
        for line in TextTable.lines(try TextTable.readText(idsPath)) {
            let imageID = String(line.text)
            try TextTable.checkSplitID(imageID, form: .relativePath, path: idsPath, line: line.number, seen: &seen)
            imageIDs.append(imageID)
            records[imageID] = Record()
        }
        self.imageIDs = imageIDs

        let maxLabel = try Self.readLabels(TextTable.join(metadataDirectory, "class_labels.txt"), into: &records)
        try Self.readSizes(TextTable.join(metadataDirectory, "image_sizes.txt"), into: &records)
        annotationKind = try Self.readLocalization(
            TextTable.join(metadataDirectory, "localization.txt"), into: &records)
        self.records = records

        if let namesFile = options.classNamesFile {
            classNames = TextTable.lines(try TextTable.readText(namesFile)).map {
                $0.text.trimmingCharacters(in: .whitespaces)
            }
        } else {
            let datasetName = URL(fileURLWithPath: metadataDirectory).standardizedFileURL
                .deletingLastPathComponent().lastPathComponent
            let known = ["CUB": 200, "ILSVRC": 1000, "OpenImages": 100][datasetName]
            let classCount = options.classCount ?? known ?? (maxLabel + 1)
            classNames = (0..<max(0, classCount)).map { "class_\($0)" }
        }
    }

    public func sampleID(at index: Int) -> String { imageIDs[index] }

    /// Sample `index`: the image, its label, its boxes (``BoundingBox/Convention/zeroBasedInclusive``, as written)
    /// or its mask, and the declared size from `image_sizes.txt`.
    ///
    /// The mask (OpenImages) is the union of the instance PNGs, each read as OpenCV's `IMREAD_GRAYSCALE` would
    /// (``MaskLevels/openCVGray(_:)``) and binarised by ``Options/maskThreshold``; values 0/1 with
    /// ``SegmentationMask/Encoding/foreground``. The ignore PNG, binarised the same way and minus the foreground,
    /// becomes the mask's extra ignore region, as in `get_mask`. Masks keep their stored size: wsolevaluation
    /// resizes every mask to 224x224 by nearest neighbour itself and never compares it with the image size, so a
    /// consumer should resize to its score-map grid the same way. Loading throws
    /// ``DatasetError/sizeMismatch(path:expected:found:)`` when the instance and ignore PNGs of one image differ
    /// in size.
    /// - Throws: ``DatasetError/missingFile(path:)`` for a missing image, ``DatasetError/unknownClass(path:name:)``
    ///   for a label outside the class list, ``DatasetError/boxOutsideImage(path:box:width:height:)``, or the
    ///   problem recorded for the image while reading the metadata.
    public func sample(at index: Int) throws -> Sample {
        let imageID = imageIDs[index]
        let classLabelsPath = TextTable.join(metadataDirectory, "class_labels.txt")
        let localizationPath = TextTable.join(metadataDirectory, "localization.txt")
        guard let record = records[imageID] else {
            throw DatasetError.malformedAnnotation(path: imageID, reason: "not indexed")
        }
        if let problem = record.problem { throw problem }
        guard let label = record.label else {
            throw DatasetError.malformedAnnotation(path: classLabelsPath, reason: "no label for '\(imageID)'")
        }
        guard classNames.indices.contains(label) else {
            throw DatasetError.unknownClass(path: classLabelsPath, name: "\(label) (image '\(imageID)')")
        }
        for (box, line) in record.boxes {
            let invalid = box.xMin < 0 || box.yMin < 0 || box.xMin > box.xMax || box.yMin > box.yMax
            if let size = record.size {
                if invalid || (options.requireBoxesInsideImage && !box.isInside(width: size.width, height: size.height))
                {
                    throw DatasetError.boxOutsideImage(
                        path: "\(localizationPath):\(line)", box: box.description, width: size.width,
                        height: size.height)
                }
            } else if invalid {
                throw DatasetError.malformedAnnotation(
                    path: localizationPath, reason: "line \(line): box \(box) is negative or has min > max")
            } else if options.requireBoxesInsideImage {
                throw DatasetError.malformedAnnotation(
                    path: TextTable.join(metadataDirectory, "image_sizes.txt"),
                    reason: "no size for '\(imageID)', so its boxes cannot be checked")
            }
        }
        let imagePath = TextTable.join(dataRoot, imageID)
        guard TextTable.isFile(imagePath) else { throw DatasetError.missingFile(path: imagePath) }

        var segmentation: Lazy<SegmentationMask>?
        if !record.maskPaths.isEmpty {
            let maskPaths = record.maskPaths.map { TextTable.join(maskRoot, $0) }
            let ignorePath = record.ignorePath.map { TextTable.join(maskRoot, $0) }
            let threshold = options.maskThreshold
            segmentation = Lazy { try Self.loadMask(maskPaths, ignorePath: ignorePath, threshold: threshold) }
        }
        return Sample(
            id: imageID, imagePath: imagePath, image: Lazy { try ImageDecoder.decodeRGB(contentsOf: imagePath) },
            declaredSize: record.size, labels: [label],
            objects: record.boxes.map { AnnotatedObject(classIndex: label, box: $0.box) },
            segmentation: segmentation,
            annotationPath: record.size == nil ? nil : TextTable.join(metadataDirectory, "image_sizes.txt"),
            masksMatchImage: false)
    }

    /// wsolevaluation's `get_mask` at the masks' own size: union of the binarised instances, plus the binarised
    /// ignore region minus the foreground.
    static func loadMask(_ maskPaths: [String], ignorePath: String?, threshold: MaskThreshold) throws
        -> SegmentationMask
    {
        var union: [UInt8] = []
        var width = 0
        var height = 0
        var sizeSource = ""
        for path in maskPaths {
            let levels = MaskLevels.openCVGray(try MaskLevels.decodePNG(path))
            if union.isEmpty {
                width = levels.width
                height = levels.height
                sizeSource = path
                union = [UInt8](repeating: 0, count: width * height)
            } else if levels.width != width || levels.height != height {
                throw DatasetError.sizeMismatch(
                    path: path, expected: "\(width)x\(height) (as \(sizeSource))",
                    found: "\(levels.width)x\(levels.height)")
            }
            for pixel in union.indices where threshold.isForeground(levels.values[pixel]) { union[pixel] = 1 }
        }
        var ignore: [Bool]?
        if let ignorePath {
            let levels = MaskLevels.openCVGray(try MaskLevels.decodePNG(ignorePath))
            guard levels.width == width, levels.height == height else {
                throw DatasetError.sizeMismatch(
                    path: ignorePath, expected: "\(width)x\(height) (as \(sizeSource))",
                    found: "\(levels.width)x\(levels.height)")
            }
            ignore = (0..<union.count).map { threshold.isForeground(levels.values[$0]) && union[$0] == 0 }
        }
        return SegmentationMask(
            values: GrayImage(width: width, height: height, values: union), encoding: .foreground, voidValue: nil,
            extraIgnore: ignore)
    }
}

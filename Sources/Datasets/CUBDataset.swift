import Foundation
import Imaging

/// Caltech-UCSD Birds-200-2011 (`CUB_200_2011/`): 11,788 images of 200 bird species, one box per image, and
/// optionally the separately released soft segmentations (evaluation.md §6.3).
///
/// Layout read:
/// - `images.txt`: `<image_id> <relative path>`, ids 1-based (`1 001.Black_footed_Albatross/Black_Foo...jpg`).
/// - `classes.txt`: `<class_id> <class_dir>` with ids 1...200; class `k` becomes class index `k - 1`, and its
///   name is the directory name (`001.Black_footed_Albatross`).
/// - `image_class_labels.txt`: `<image_id> <class_id>`.
/// - `train_test_split.txt`: `<image_id> <is_training_image>` (1 = train, 0 = test).
/// - `bounding_boxes.txt`: `<image_id> <x> <y> <width> <height>`, floats.
/// - `images/<relative path>`: the JPEGs.
/// - `segmentations/<class_dir>/<file>.png` (optional; a separate download): 8-bit soft masks.
///
/// Sample ids are the relative image paths of `images.txt`, which are also wsolevaluation's CUB image ids, so
/// rows from this adapter and from ``WSOLMetadataDataset`` on CUB metadata key the same images.
public struct CUBDataset: Dataset {
    /// One line of `bench datasets`.
    public static let summary = "CUB-200-2011 birds: 200 classes, one box per image, optional soft segmentations"
    /// What the adapter reads, for `bench datasets`.
    public static let reads =
        "CUB_200_2011/{images,classes,image_class_labels,train_test_split,bounding_boxes}.txt, images/, "
        + "segmentations/<class_dir>/<file>.png (optional)"

    /// The image subsets `train_test_split.txt` defines.
    public enum Split: String, CaseIterable, Sendable {
        /// `is_training_image = 1` (5,994 images).
        case train
        /// `is_training_image = 0` (5,794 images), the split WSOL papers evaluate on.
        case test
        /// Every image of `images.txt`.
        case all
    }

    /// Where the segmentation masks come from.
    public enum SegmentationSource: Hashable, Sendable {
        /// `<root>/segmentations` if present, else the sibling `<root>/../segmentations` (where
        /// `segmentations.tgz` unpacks next to `CUB_200_2011/`), else none.
        case automatic
        /// This folder; opening fails when it is missing.
        case folder(String)
        /// Do not read masks.
        case none
    }

    /// How the dataset is opened.
    public struct Options: Sendable {
        /// The split; the default `test` is the WSOL evaluation split.
        public var split: Split
        /// Where the soft masks live.
        public var segmentations: SegmentationSource
        /// How a soft level becomes foreground; default ``MaskThreshold/half`` (`>= 128`, see there).
        public var maskThreshold: MaskThreshold

        public init(
            split: Split = .test, segmentations: SegmentationSource = .automatic, maskThreshold: MaskThreshold = .half
        ) {
            self.split = split
            self.segmentations = segmentations
            self.maskThreshold = maskThreshold
        }
    }

    /// One image as indexed at open time; annotation problems are kept and thrown by ``sample(at:)``.
    struct Entry: Sendable {
        let imageID: Int
        let relativePath: String
        let classIndex: Result<Int, DatasetError>
        let box: Result<BoundingBox, DatasetError>
    }

    public let name = "cub"
    public let split: String
    /// Class directory names, index `k` = CUB class id `k + 1`.
    public let classNames: [String]
    /// The `CUB_200_2011` folder.
    public let root: String
    /// The segmentation folder in use, or `nil` when masks are not read.
    public let segmentationsRoot: String?
    /// The binarisation rule for masks.
    public let maskThreshold: MaskThreshold
    let entries: [Entry]

    public var count: Int { entries.count }

    /// Opens a `CUB_200_2011` folder and reads its index files.
    /// - Parameters:
    ///   - root: the `CUB_200_2011` folder.
    ///   - options: split, segmentation folder and mask threshold.
    /// - Throws: ``DatasetError/missingFile(path:)`` for a missing index file or folder,
    ///   ``DatasetError/notAFolder(path:)`` when `root` is a file, ``DatasetError/badSplitID(path:line:id:reason:)``
    ///   for an `images.txt` path that repeats or has a `..` component,
    ///   ``DatasetError/malformedAnnotation(path:reason:)`` for a line that does not parse (naming the line),
    ///   ``DatasetError/invalidLayout(path:reason:)`` for class ids that are not 1...N or duplicate image ids.
    public init(root: String, options: Options = Options()) throws {
        self.root = root
        self.split = options.split.rawValue
        self.maskThreshold = options.maskThreshold
        try TextTable.requireFolder(root)
        guard TextTable.isDirectory(TextTable.join(root, "images")) else {
            throw DatasetError.missingFile(path: TextTable.join(root, "images"))
        }

        let classNames = try Self.readClasses(TextTable.join(root, "classes.txt"))
        self.classNames = classNames
        let images = try Self.readImages(TextTable.join(root, "images.txt"))
        let labelsPath = TextTable.join(root, "image_class_labels.txt")
        let labels = try Self.readIntegerPairs(labelsPath, what: "class id")
        let splitPath = TextTable.join(root, "train_test_split.txt")
        let isTraining = try Self.readIntegerPairs(splitPath, what: "is_training_image")
        let boxesPath = TextTable.join(root, "bounding_boxes.txt")
        let boxes = try Self.readBoxes(boxesPath)

        var entries: [Entry] = []
        entries.reserveCapacity(images.count)
        for (imageID, relativePath) in images {
            if options.split != .all {
                guard let flag = isTraining[imageID] else {
                    throw DatasetError.malformedAnnotation(
                        path: splitPath, reason: "image \(imageID) has no line, so its split is unknown")
                }
                guard flag.value == 0 || flag.value == 1 else {
                    throw DatasetError.malformedAnnotation(
                        path: splitPath,
                        reason: "line \(flag.line): is_training_image must be 0 or 1, not \(flag.value)")
                }
                if (flag.value == 1) != (options.split == .train) { continue }
            }
            let classIndex: Result<Int, DatasetError>
            if let label = labels[imageID] {
                classIndex =
                    (1...classNames.count).contains(label.value)
                    ? .success(label.value - 1)
                    : .failure(.unknownClass(path: labelsPath, name: "class id \(label.value) (line \(label.line))"))
            } else {
                classIndex = .failure(.malformedAnnotation(path: labelsPath, reason: "no class for image \(imageID)"))
            }
            let box =
                boxes[imageID] ?? .failure(.malformedAnnotation(path: boxesPath, reason: "no box for image \(imageID)"))
            entries.append(Entry(imageID: imageID, relativePath: relativePath, classIndex: classIndex, box: box))
        }
        self.entries = entries

        switch options.segmentations {
        case .none:
            segmentationsRoot = nil
        case .folder(let folder):
            guard TextTable.isDirectory(folder) else { throw DatasetError.missingFile(path: folder) }
            segmentationsRoot = folder
        case .automatic:
            let inside = TextTable.join(root, "segmentations")
            // The parent is taken textually (no symlink resolution), so paths in errors read like the root given.
            let sibling = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("segmentations")
                .path
            if TextTable.isDirectory(inside) {
                segmentationsRoot = inside
            } else if TextTable.isDirectory(sibling) {
                segmentationsRoot = sibling
            } else {
                segmentationsRoot = nil
            }
        }
    }

    /// The CUB image id (1-based, from `images.txt`) of sample `index`.
    public func imageID(at index: Int) -> Int { entries[index].imageID }

    public func sampleID(at index: Int) -> String { entries[index].relativePath }

    /// Sample `index`: the image, its class, its box and (when a segmentation folder is in use) its mask.
    ///
    /// The box is wsolevaluation's conversion of CUB's `x y w h`: `x0 = x`, `y0 = y`, `x1 = x + w`, `y1 = y + h`,
    /// stored as ``BoundingBox/Convention/zeroBasedInclusive`` (CUB image 1, `60 27 325 304` ->
    /// `60, 27, 385, 331`; chainercv also uses `x + w`). CUB does not document its origin; `x + w` makes the box one
    /// pixel wider than `w` under the inclusive reading, and that is the convention the published WSOL numbers use.
    /// The box is not checked against the image size (the size is not in the metadata).
    ///
    /// The mask is the soft level binarised by ``maskThreshold``; a PNG with extra channels (gray+alpha, RGB,
    /// RGBA, palette) is read through its first channel, as ``MaskLevels/firstChannel(_:)`` describes. Values are
    /// 0/1 with ``SegmentationMask/Encoding/foreground`` and no void. Loading it throws
    /// ``DatasetError/missingFile(path:)`` when the PNG is absent and
    /// ``DatasetError/maskSizeMismatch(maskPath:maskWidth:maskHeight:imagePath:imageWidth:imageHeight:)`` when its
    /// size differs from the image's header size.
    /// - Throws: the class or box problem found at open time, or ``DatasetError/missingFile(path:)`` for a missing
    ///   image file.
    public func sample(at index: Int) throws -> Sample {
        let entry = entries[index]
        let classIndex = try entry.classIndex.get()
        let box = try entry.box.get()
        let imagePath = TextTable.join(TextTable.join(root, "images"), entry.relativePath)
        guard TextTable.isFile(imagePath) else { throw DatasetError.missingFile(path: imagePath) }
        var segmentation: Lazy<SegmentationMask>?
        if let segmentationsRoot {
            let maskPath = TextTable.join(
                segmentationsRoot, Self.replacingExtension(of: entry.relativePath, with: "png"))
            let threshold = maskThreshold
            segmentation = Lazy { try Self.loadMask(maskPath, imagePath: imagePath, threshold: threshold) }
        }
        return Sample(
            id: entry.relativePath, imagePath: imagePath,
            image: Lazy { try ImageDecoder.decodeRGB(contentsOf: imagePath) },
            labels: [classIndex], objects: [AnnotatedObject(classIndex: classIndex, box: box)],
            segmentation: segmentation)
    }

    /// Reads and binarises one soft mask, checking its size against the image header.
    static func loadMask(_ maskPath: String, imagePath: String, threshold: MaskThreshold) throws -> SegmentationMask {
        let png = try MaskLevels.decodePNG(maskPath)
        let imageSize = try ImageHeaderProbe.size(ofImageAt: imagePath)
        guard png.width == imageSize.width, png.height == imageSize.height else {
            throw DatasetError.maskSizeMismatch(
                maskPath: maskPath, maskWidth: png.width, maskHeight: png.height, imagePath: imagePath,
                imageWidth: imageSize.width, imageHeight: imageSize.height)
        }
        let binary = threshold.binarize(MaskLevels.firstChannel(png))
        return SegmentationMask(values: binary, encoding: .foreground, voidValue: nil)
    }

    static func replacingExtension(of path: String, with newExtension: String) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        if let dot = path[slash...].lastIndex(of: "."), dot > slash {
            return String(path[..<dot]) + "." + newExtension
        }
        return path + "." + newExtension
    }
}

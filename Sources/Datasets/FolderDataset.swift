import Foundation
import Imaging

/// A plain folder of the user's own images with optional masks, boxes and labels.
///
/// Layout (only `images/` is required):
/// ```
/// <root>/images/<stem>.{jpg,jpeg,png}   any case of the extension; samples are sorted by stem
/// <root>/masks/<stem>.png               8-bit mask matched by stem; non-zero = foreground
/// <root>/boxes.json                     { "<stem>": [[x0, y0, x1, y1, "class"], ...] }
/// <root>/labels.csv                     header `id,label`, then `<stem>,<class name>` rows
/// <root>/classes.txt                    one class name a line; line k = class index k
/// ```
///
/// - `boxes.json`: an object from stem to a list of boxes; each box is `[x0, y0, x1, y1]` or
///   `[x0, y0, x1, y1, "class"]` in 0-based inclusive pixels (the top-left pixel is (0, 0); `x1`, `y1` are the last
///   pixel inside), numbers may be fractional. A box without a class takes the image's label from `labels.csv`,
///   which must then be exactly one. Boxes are checked against the image header's size.
/// - `labels.csv`: RFC 4180 CSV with the header `id,label`; several rows for one stem give several labels.
/// - Classes: `classes.txt` when present (names elsewhere must be in it), else the sorted unique names used in
///   `labels.csv` and `boxes.json`, ordered by Unicode code points as Python's `sorted` orders them.
/// - Masks: any PNG. Levels are the stored values (palette indices, gray levels, the largest of R, G, B);
///   0 = background, non-zero = foreground, and 255 is void (ignored) under ``VoidRule`` (see there).
///   Values become 0 (background), 1 (foreground), 255 (void), encoding ``SegmentationMask/Encoding/foreground``.
/// - An image without a mask has no segmentation; a mask without an image is listed in ``orphanMasks``; hidden
///   files (a leading `.`) are skipped and other files are listed in ``ignoredFiles``.
public struct FolderDataset: Dataset {
    /// One line of `bench datasets`.
    public static let summary = "A folder of your own images with optional masks, boxes and labels, matched by stem"
    /// What the adapter reads, for `bench datasets`.
    public static let reads = "images/<stem>.{jpg,jpeg,png}, masks/<stem>.png, boxes.json, labels.csv, classes.txt"

    /// What mask level 255 means.
    public enum VoidRule: Hashable, Sendable {
        /// 255 is void when the mask also holds another non-zero level (a VOC-style label mask with a void
        /// border); in a mask whose only non-zero level is 255 (a plain 0/255 binary mask) it is foreground.
        case automatic
        /// Pixels with this level are void.
        case level(UInt8)
        /// No void: every non-zero level is foreground.
        case none
    }

    /// How the folder is opened.
    public struct Options: Sendable {
        /// What level 255 (or another level) means in masks.
        public var voidRule: VoidRule
        /// The split name reported.
        public var split: String

        public init(voidRule: VoidRule = .automatic, split: String = "all") {
            self.voidRule = voidRule
            self.split = split
        }
    }

    /// One image with its annotations as read at open time.
    struct Entry: Sendable {
        let stem: String
        let imageFile: String
        let maskFile: String?
        let labelNames: [(name: String, line: Int)]
        let boxes: [BoxEntry]
    }

    /// One box of `boxes.json`, class name still unresolved.
    struct BoxEntry: Sendable {
        let coordinates: [Double]
        let className: String?
    }

    public let name = "folder"
    public let split: String
    public let classNames: [String]
    /// The folder that holds `images/`.
    public let root: String
    /// Mask files (`masks/<file>`) whose stem matches no image, sorted.
    public let orphanMasks: [String]
    /// Files in `images/` or `masks/` with an extension the adapter does not read (`images/notes.txt`), sorted.
    public let ignoredFiles: [String]
    /// Stems named in `labels.csv` or `boxes.json` that match no image, sorted.
    public let unmatchedAnnotationStems: [String]
    let entries: [Entry]
    let classIndexByName: [String: Int]
    let voidRule: VoidRule

    public var count: Int { entries.count }

    /// Opens a folder dataset: lists `images/` and `masks/`, reads `labels.csv`, `boxes.json`, `classes.txt`.
    /// - Throws: ``DatasetError/missingFile(path:)`` when `root` or `images/` is absent;
    ///   ``DatasetError/notAFolder(path:)`` when `root` is a file;
    ///   ``DatasetError/invalidLayout(path:reason:)`` for two images or two masks with one stem, a `labels.csv`
    ///   without the `id,label` header, or a duplicate name in `classes.txt`;
    ///   ``DatasetError/malformedAnnotation(path:reason:)`` for CSV or JSON that does not parse.
    public init(root: String, options: Options = Options()) throws {
        self.root = root
        self.split = options.split
        self.voidRule = options.voidRule
        try TextTable.requireFolder(root)
        let imagesFolder = TextTable.join(root, "images")
        guard TextTable.isDirectory(imagesFolder) else { throw DatasetError.missingFile(path: imagesFolder) }

        var ignored: [String] = []
        let images = try Self.listByStem(
            imagesFolder, folderName: "images", extensions: ["jpg", "jpeg", "png"], ignored: &ignored)
        let masksFolder = TextTable.join(root, "masks")
        let masks =
            TextTable.isDirectory(masksFolder)
            ? try Self.listByStem(masksFolder, folderName: "masks", extensions: ["png"], ignored: &ignored) : [:]
        let labels = try Self.readLabels(TextTable.join(root, "labels.csv"))
        let boxes = try Self.readBoxes(TextTable.join(root, "boxes.json"))

        let stems = images.keys.sorted(by: Self.codePointOrder)
        entries = stems.map { stem in
            Entry(
                stem: stem, imageFile: images[stem] ?? "", maskFile: masks[stem], labelNames: labels[stem] ?? [],
                boxes: boxes[stem] ?? [])
        }
        orphanMasks = masks.filter { images[$0.key] == nil }.map { "masks/" + $0.value }.sorted(by: Self.codePointOrder)
        ignoredFiles = ignored.sorted(by: Self.codePointOrder)
        unmatchedAnnotationStems = Set(labels.keys).union(boxes.keys).subtracting(images.keys)
            .sorted(by: Self.codePointOrder)

        let classesPath = TextTable.join(root, "classes.txt")
        if TextTable.isFile(classesPath) {
            var names: [String] = []
            for line in TextTable.lines(try TextTable.readText(classesPath)) {
                let name = line.text.trimmingCharacters(in: .whitespaces)
                guard !names.contains(name) else {
                    throw DatasetError.invalidLayout(
                        path: classesPath, reason: "line \(line.number): class '\(name)' appears twice")
                }
                names.append(name)
            }
            classNames = names
        } else {
            let used = Set(labels.values.flatMap { $0.map(\.name) })
                .union(boxes.values.flatMap { $0.compactMap(\.className) })
            classNames = used.sorted(by: Self.codePointOrder)
        }
        classIndexByName = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
    }

    public func sampleID(at index: Int) -> String { entries[index].stem }

    /// Sample `index`: the image, labels from `labels.csv` and the boxes' classes, boxes, and the mask if any.
    /// - Throws: ``DatasetError/unknownClass(path:name:)`` for a name missing from `classes.txt`,
    ///   ``DatasetError/malformedAnnotation(path:reason:)`` for a box without a class whose image has not exactly
    ///   one label, ``DatasetError/boxOutsideImage(path:box:width:height:)``, or a header read failure of the image.
    public func sample(at index: Int) throws -> Sample {
        let entry = entries[index]
        let labelsPath = TextTable.join(root, "labels.csv")
        let boxesPath = TextTable.join(root, "boxes.json")
        let imagePath = TextTable.join(TextTable.join(root, "images"), entry.imageFile)
        var labels: [Int] = []
        for (labelName, line) in entry.labelNames {
            guard let classIndex = classIndexByName[labelName] else {
                throw DatasetError.unknownClass(path: "\(labelsPath):\(line)", name: labelName)
            }
            labels.append(classIndex)
        }
        var objects: [AnnotatedObject] = []
        if !entry.boxes.isEmpty {
            let size = try ImageHeaderProbe.size(ofImageAt: imagePath)
            for box in entry.boxes {
                let classIndex: Int
                if let className = box.className {
                    guard let known = classIndexByName[className] else {
                        throw DatasetError.unknownClass(path: boxesPath, name: className)
                    }
                    classIndex = known
                } else {
                    guard Set(labels).count == 1, let only = labels.first else {
                        throw DatasetError.malformedAnnotation(
                            path: boxesPath,
                            reason:
                                "a box of '\(entry.stem)' has no class and labels.csv gives \(Set(labels).count) labels"
                        )
                    }
                    classIndex = only
                }
                let values = box.coordinates
                let boundingBox = BoundingBox(
                    xMin: values[0], yMin: values[1], xMax: values[2], yMax: values[3], convention: .zeroBasedInclusive)
                guard boundingBox.isInside(width: size.width, height: size.height) else {
                    throw DatasetError.boxOutsideImage(
                        path: boxesPath, box: boundingBox.description, width: size.width, height: size.height)
                }
                objects.append(AnnotatedObject(classIndex: classIndex, box: boundingBox))
                labels.append(classIndex)
            }
        }
        var segmentation: Lazy<SegmentationMask>?
        if let maskFile = entry.maskFile {
            let maskPath = TextTable.join(TextTable.join(root, "masks"), maskFile)
            let voidRule = self.voidRule
            segmentation = Lazy { try Self.loadMask(maskPath, imagePath: imagePath, voidRule: voidRule) }
        }
        return Sample(
            id: entry.stem, imagePath: imagePath, image: Lazy { try ImageDecoder.decodeRGB(contentsOf: imagePath) },
            labels: labels, objects: objects, segmentation: segmentation)
    }

    /// Reads a mask: stored levels, checked against the image header's size, mapped to 0/1/255.
    static func loadMask(_ maskPath: String, imagePath: String, voidRule: VoidRule) throws -> SegmentationMask {
        let levels = MaskLevels.storedValues(try MaskLevels.decodePNG(maskPath))
        let imageSize = try ImageHeaderProbe.size(ofImageAt: imagePath)
        guard levels.width == imageSize.width, levels.height == imageSize.height else {
            throw DatasetError.maskSizeMismatch(
                maskPath: maskPath, maskWidth: levels.width, maskHeight: levels.height, imagePath: imagePath,
                imageWidth: imageSize.width, imageHeight: imageSize.height)
        }
        let voidLevel: UInt8?
        switch voidRule {
        case .none: voidLevel = nil
        case .level(let level): voidLevel = level
        case .automatic:
            let hasOtherForeground = levels.values.contains { $0 != 0 && $0 != 255 }
            voidLevel = hasOtherForeground ? 255 : nil
        }
        let values = levels.values.map { level -> UInt8 in
            if let voidLevel, level == voidLevel { return 255 }
            return level == 0 ? 0 : 1
        }
        return SegmentationMask(
            values: GrayImage(width: levels.width, height: levels.height, values: values), encoding: .foreground,
            voidValue: voidLevel == nil ? nil : 255)
    }

    /// Orders strings by Unicode code points (Python's `sorted` on `str`).
    static func codePointOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars) { $0.value < $1.value }
    }
}

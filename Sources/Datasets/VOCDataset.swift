import Foundation
import Imaging

/// Pascal VOC 2012 (`VOCdevkit/VOC2012`): boxes and flags from the XML, the JPEG, and for segmentation ids
/// the class and instance masks.
///
/// Layout (the root may be `VOCdevkit/VOC2012`, `VOCdevkit`, the folder above it, or `trainval/VOCdevkit/
/// VOC2012` below it, as Leem & Seo's code expects):
/// ```
/// Annotations/<id>.xml                      read by sample(at:)
/// JPEGImages/<id>.jpg                       decoded lazily
/// ImageSets/{Segmentation,Main}/<split>.txt one id per line, the index read at open
/// SegmentationClass/<id>.png                palette indices: 0 background, 1...20 classes, 255 void
/// SegmentationObject/<id>.png               palette indices: 0 background, k = k-th <object>, 255 void
/// ```
/// Boxes keep the file's numbers as `Double` with ``BoundingBox/Convention/oneBasedInclusive`` (the MATLAB
/// devkit's convention: the top-left pixel is (1, 1), `xmax` is the last pixel inside).
public struct VOCDataset: Dataset {
    /// The 20 VOC classes, alphabetical; class index `k` is mask value `k + 1` (the default class list).
    public static let classNames = [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable",
        "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ]
    /// One line for `bench datasets`.
    public static let summary = "Pascal VOC 2012: 20 classes, XML boxes and flags, class and instance palette masks"
    /// What the adapter reads, one line for `bench datasets`.
    public static let reads =
        "ImageSets/{Segmentation,Main}/<split>.txt, Annotations/<id>.xml, JPEGImages/<id>.jpg, "
        + "SegmentationClass/<id>.png, SegmentationObject/<id>.png"

    /// One id of the split, with its annotation when the single-class selection parsed it at open.
    struct Entry: Sendable {
        let id: String
        let parsed: Result<Parsed, DatasetError>?
        let singleClass: Int?
    }

    /// A validated annotation: the XML and the objects built from it.
    struct Parsed: Sendable {
        let xml: AnnotationXML
        let objects: [AnnotatedObject]
        let width: Int
        let height: Int
    }

    public let name = "voc"
    /// The resolved `VOC2012` folder.
    public let root: String
    public let options: Options
    private let entries: [Entry]
    private let classIndexByName: [String: Int]

    public var split: String { options.split }
    /// The class list in use (``Options/classNames``).
    public var classNames: [String] { options.classNames }
    public var count: Int { entries.count }

    /// Opens a VOC 2012 tree and reads its split list (and, for the single-class subset, every annotation of
    /// the split).
    /// - Parameters:
    ///   - root: `VOCdevkit/VOC2012`, `VOCdevkit`, or the folder holding `VOCdevkit`.
    ///   - options: split, image set, labelling and subset choices.
    /// - Throws: ``DatasetError/missingFile(path:)`` when `root` does not exist,
    ///   ``DatasetError/invalidLayout(path:reason:)`` when no `Annotations/` or `JPEGImages/` folder is found
    ///   or the split list is absent or the class list is empty, repeats a name or has more than 254 names,
    ///   ``DatasetError/malformedAnnotation(path:reason:)`` for an unreadable list.
    public init(root: String, options: Options = Options()) throws {
        let resolved = try Self.resolveRoot(root)
        self.root = resolved
        self.options = options
        let indexByName = Dictionary(options.classNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        guard !options.classNames.isEmpty, options.classNames.count <= 254,
            indexByName.count == options.classNames.count
        else {
            throw DatasetError.invalidLayout(
                path: resolved, reason: "the class list must hold 1 to 254 distinct names")
        }
        classIndexByName = indexByName
        let ids = try Self.readSplit(root: resolved, imageSet: options.imageSet, split: options.split)
        if options.imageSet == .segmentation {
            try Self.requireDirectory(resolved + "/SegmentationClass", root: resolved)
        }
        guard options.singleClass != .off else {
            entries = ids.map { Entry(id: $0, parsed: nil, singleClass: nil) }
            return
        }
        var kept: [Entry] = []
        for id in ids {
            let path = Self.annotationPath(root: resolved, id: id)
            let parsed: Result<Parsed, DatasetError>
            do {
                parsed = .success(try Self.parseAnnotation(path: path, options: options, classIndexByName: indexByName))
            } catch let error as DatasetError {
                parsed = .failure(error)
            } catch {
                parsed = .failure(.malformedAnnotation(path: path, reason: "\(error)"))
            }
            switch parsed {
            case .success(let annotation):
                let classes = Self.presentClasses(
                    annotation.objects, includeDifficult: options.singleClass == .allObjects,
                    classCount: options.classNames.count)
                if classes.count == 1 { kept.append(Entry(id: id, parsed: parsed, singleClass: classes[0])) }
            case .failure:
                // Unreadable annotations stay in the index so the run records them instead of dropping them.
                kept.append(Entry(id: id, parsed: parsed, singleClass: nil))
            }
        }
        entries = kept
    }

    public func sampleID(at index: Int) -> String { entries[index].id }

    /// The parsed annotation of sample `index`, with fields the ``Sample`` does not carry (`pose`, `filename`).
    /// - Throws: as ``sample(at:)`` for the annotation.
    package func annotation(at index: Int) throws -> AnnotationXML {
        try parsed(at: index).xml
    }

    /// Parses sample `index`: its XML now, its JPEG and masks when loaded.
    /// - Throws: ``DatasetError/missingFile(path:)`` (XML or JPEG absent), ``DatasetError/malformedAnnotation(
    ///   path:reason:)``, ``DatasetError/unknownClass(path:name:)``, ``DatasetError/boxOutsideImage(path:box:
    ///   width:height:)``. Mask loaders throw ``DatasetError/maskSizeMismatch(maskPath:maskWidth:maskHeight:
    ///   imagePath:imageWidth:imageHeight:)`` when the mask size differs from the XML's `size`, and ``DatasetError/image(_:)`` for an undecodable PNG.
    public func sample(at index: Int) throws -> Sample {
        let entry = entries[index]
        let annotation = try parsed(at: index)
        let imagePath = root + "/JPEGImages/" + entry.id + ".jpg"
        guard FileManager.default.fileExists(atPath: imagePath) else { throw DatasetError.missingFile(path: imagePath) }
        let labels: [Int]
        if let single = entry.singleClass {
            labels = [single]
        } else {
            labels = Self.presentClasses(
                annotation.objects, includeDifficult: options.labelsIncludeDifficult, classCount: classNames.count)
        }
        let classPath = root + "/SegmentationClass/" + entry.id + ".png"
        let objectPath = root + "/SegmentationObject/" + entry.id + ".png"
        let hasMasks = options.imageSet == .segmentation || FileManager.default.fileExists(atPath: classPath)
        let width = annotation.width
        let height = annotation.height
        let instanceCount = annotation.objects.count
        let classCount = classNames.count
        let annotationPath = Self.annotationPath(root: root, id: entry.id)
        return Sample(
            id: entry.id, imagePath: imagePath,
            image: Lazy { try ImageDecoder.decodeRGB(contentsOf: imagePath) },
            declaredSize: (width, height), labels: labels, objects: annotation.objects,
            segmentation: hasMasks
                ? Lazy {
                    try Self.loadMask(
                        path: classPath, imagePath: imagePath, width: width, height: height,
                        encoding: .classIndexPlusOne, largestValue: classCount)
                } : nil,
            instances: hasMasks
                ? Lazy {
                    try Self.loadMask(
                        path: objectPath, imagePath: imagePath, width: width, height: height,
                        encoding: .instanceIndexPlusOne, largestValue: instanceCount)
                } : nil,
            annotationPath: annotationPath)
    }

    /// The 0-based index of a name in the standard 20-class VOC list, or `nil`.
    public static func classIndex(of name: String) -> Int? { classNames.firstIndex(of: name) }

    /// The 0-based index of a name in this dataset's class list, or `nil`.
    public func classIndex(ofName name: String) -> Int? { classIndexByName[name] }

    private func parsed(at index: Int) throws -> Parsed {
        if let parsed = entries[index].parsed { return try parsed.get() }
        return try Self.parseAnnotation(
            path: Self.annotationPath(root: root, id: entries[index].id), options: options,
            classIndexByName: classIndexByName)
    }

    static func annotationPath(root: String, id: String) -> String { root + "/Annotations/" + id + ".xml" }

    /// Parses and validates one annotation file.
    static func parseAnnotation(path: String, options: Options, classIndexByName: [String: Int]) throws -> Parsed {
        let xml = try AnnotationXML.parse(contentsOf: path)
        guard let width = xml.width, let height = xml.height, width > 0, height > 0 else {
            throw DatasetError.malformedAnnotation(path: path, reason: "missing or zero <size> width/height")
        }
        let objects = try xml.annotatedObjects(
            path: path, classIndex: classIndexByName, convention: .oneBasedInclusive, size: (width, height),
            rejectBoxesOutside: options.rejectBoxesOutsideImage)
        return Parsed(xml: xml, objects: objects, width: width, height: height)
    }

    /// Sorted unique classes of the objects; without `includeDifficult`, only classes with a non-difficult one.
    static func presentClasses(_ objects: [AnnotatedObject], includeDifficult: Bool, classCount: Int) -> [Int] {
        var present = [Bool](repeating: false, count: classCount)
        for object in objects where includeDifficult || !object.isDifficult { present[object.classIndex] = true }
        return present.indices.filter { present[$0] }
    }
}

import Foundation
import Imaging

/// ILSVRC 2012 validation images with their class and boxes.
///
/// Layouts detected under `root` (first match wins; ``Options`` overrides each part):
/// ```
/// images       ILSVRC/Data/CLS-LOC/val/ (Kaggle), Data/CLS-LOC/val/, val/, or root itself;
///              flat (ILSVRC2012_val_00000001.JPEG) or in wnid folders (n01751748/ILSVRC2012_val_....JPEG)
/// XML boxes    ILSVRC/Annotations/CLS-LOC/val/ (Kaggle), Annotations/CLS-LOC/val/, val_xml/, Annotations/val/,
///              or *.xml inside the images folder (ILSVRC2012_bbox_val_v3.tgz unpacked over val/)
/// CSV boxes    LOC_val_solution.csv (Kaggle): header ImageId,PredictionString; groups "wnid x0 y0 x1 y1"
/// classes      LOC_synset_mapping.txt ("<wnid> <names>", 1,000 sorted lines); else the sorted wnid folders
/// ```
/// Class index = the wnid's line in `LOC_synset_mapping.txt` (its lines are sorted by wnid), i.e. the
/// position in the sorted synset list: torchvision's `ImageFolder`/`ImageNet` convention and timm's output
/// index. Never the devkit's `ILSVRC2012_ID`s. Boxes are 0-based inclusive integer pixels
/// (``BoundingBox/Convention/zeroBasedInclusive``), as wsolevaluation reads them. Samples are sorted by id.
public struct ImageNetValDataset: Dataset {
    /// One line for `bench datasets`.
    public static let summary = "ILSVRC 2012 val: 1,000 classes (sorted wnids), boxes from per-image XML or CSV"
    /// What the adapter reads, one line for `bench datasets`.
    public static let reads =
        "val/*.JPEG (flat or wnid folders), per-image XML or LOC_val_solution.csv, LOC_synset_mapping.txt"

    /// Where one sample's classes and boxes come from.
    enum Annotation: Sendable {
        /// Parse this XML file in `sample(at:)`.
        case xml(path: String)
        /// Already read from the CSV (or failed there).
        case solution(Result<[AnnotatedObject], DatasetError>)
        /// The wnid folder's class (or the failure to find it in the synset list).
        case folder(Result<Int, DatasetError>)
    }

    struct Entry: Sendable {
        let id: String
        let imagePath: String
        let annotation: Annotation
    }

    public let name = "imagenet"
    public let split = "val"
    /// The wnids, in class-index order.
    public let classNames: [String]
    /// The human-readable names of each class from `LOC_synset_mapping.txt` (`"tench, Tinca tinca"`), or the
    /// wnids when the class list came from folder names.
    public let classDescriptions: [String]
    /// What was detected on disk.
    public let layout: Layout
    public let options: Options
    private let classIndexByWnid: [String: Int]
    private let entries: [Entry]

    public var count: Int { entries.count }

    /// Opens an ImageNet validation tree, detecting its layout, and reads its index.
    /// - Parameters:
    ///   - root: the folder holding the layout (see the type's documentation).
    ///   - options: overrides for the detected paths and source.
    /// - Throws: ``DatasetError/missingFile(path:)`` when `root` or a given path does not exist,
    ///   ``DatasetError/invalidLayout(path:reason:)`` when no images folder, annotation source or class list is
    ///   found, ``DatasetError/malformedAnnotation(path:reason:)`` for an unreadable synset list or CSV header.
    public init(root: String, options: Options = Options()) throws {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        try TextTable.requireFolder(trimmed)
        let images = try Self.findImages(root: trimmed, options: options)
        let source = try Self.findAnnotations(root: trimmed, images: images, options: options)
        let synsets = try Self.readSynsets(root: trimmed, images: images, options: options)
        classNames = synsets.wnids
        classDescriptions = synsets.descriptions
        let indexByWnid = Dictionary(
            synsets.wnids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        classIndexByWnid = indexByWnid
        self.options = options
        layout = Layout(
            imagesDirectory: images.directory, imageArrangement: images.arrangement, annotationSource: source.kind,
            annotationsPath: source.path, synsetMappingPath: synsets.path)

        func imagePath(_ id: String) -> String { images.files[id]?.path ?? images.directory + "/" + id + ".JPEG" }
        switch source {
        case .xml(let directory, let stems):
            entries = stems.map { id in
                Entry(id: id, imagePath: imagePath(id), annotation: .xml(path: directory + "/" + id + ".xml"))
            }
        case .csv(let path):
            let rows = try Self.readSolution(path: path, classIndexByWnid: indexByWnid, options: options)
            entries = rows.map { Entry(id: $0.id, imagePath: imagePath($0.id), annotation: .solution($0.objects)) }
        case .folders:
            entries = images.files.keys.sorted().compactMap { id in
                guard let file = images.files[id], let wnid = file.wnid else { return nil }
                let folder = images.directory + "/" + wnid
                let label: Result<Int, DatasetError> =
                    indexByWnid[wnid].map { .success($0) } ?? .failure(.unknownClass(path: folder, name: wnid))
                return Entry(id: id, imagePath: file.path, annotation: .folder(label))
            }
        }
    }

    public func sampleID(at index: Int) -> String { entries[index].id }

    /// The class index of a wnid, or `nil`.
    public func classIndex(ofWnid wnid: String) -> Int? { classIndexByWnid[wnid] }

    /// Reads sample `index`: its annotation now, its JPEG when loaded.
    /// - Throws: ``DatasetError/missingFile(path:)`` (image or XML absent),
    ///   ``DatasetError/malformedAnnotation(path:reason:)``, ``DatasetError/unknownClass(path:name:)`` for a
    ///   wnid not in the synset list, ``DatasetError/boxOutsideImage(path:box:width:height:)``.
    public func sample(at index: Int) throws -> Sample {
        let entry = entries[index]
        var declaredSize: (width: Int, height: Int)?
        var annotationPath: String?
        let objects: [AnnotatedObject]
        var labels: [Int] = []
        switch entry.annotation {
        case .xml(let path):
            let parsed = try parseXML(path: path)
            objects = parsed.objects
            declaredSize = parsed.size
            annotationPath = path
        case .solution(let result):
            objects = try result.get()
        case .folder(let result):
            objects = []
            labels = [try result.get()]
        }
        if labels.isEmpty { labels = objects.map(\.classIndex) }
        let imagePath = entry.imagePath
        guard FileManager.default.fileExists(atPath: imagePath) else { throw DatasetError.missingFile(path: imagePath) }
        return Sample(
            id: entry.id, imagePath: imagePath, image: Lazy { try ImageDecoder.decodeRGB(contentsOf: imagePath) },
            declaredSize: declaredSize, labels: labels, objects: objects, annotationPath: annotationPath)
    }

    /// Parses one per-image XML: `name` is the wnid; boxes are 0-based inclusive and checked against `size`.
    private func parseXML(path: String) throws -> (objects: [AnnotatedObject], size: (width: Int, height: Int)?) {
        let xml = try AnnotationXML.parse(contentsOf: path)
        var size: (width: Int, height: Int)?
        if let width = xml.width, let height = xml.height, width > 0, height > 0 { size = (width, height) }
        let objects = try xml.annotatedObjects(
            path: path, classIndex: classIndexByWnid, convention: .zeroBasedInclusive, size: size,
            rejectBoxesOutside: options.rejectBoxesOutsideImage)
        return (objects, size)
    }
}

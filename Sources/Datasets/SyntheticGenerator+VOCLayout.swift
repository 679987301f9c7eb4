import Dispatch
import Foundation
import Imaging

/// Writing the dataset in the Pascal VOC 2012 layout.
///
/// `directory` plays the role of `VOCdevkit/VOC2012/`:
/// ```
/// JPEGImages/<id>.jpg              224x224 RGB, JPEG quality 90
/// Annotations/<id>.xml             VOC XML; boxes 1-based inclusive, from each object's visible pixels
/// SegmentationClass/<id>.png       palette PNG (VOC colour map): 0 background, class index + 1, 255 void
/// SegmentationObject/<id>.png      palette PNG: 0 background, instance 1...N in XML order, 255 void
/// ImageSets/Segmentation/{train,val,trainval}.txt    one id per line
/// ImageSets/Main/{train,val,trainval}.txt            one id per line
/// ImageSets/Main/<class>_{train,val,trainval}.txt    "<id>  1" / "<id> -1" (VOC's "%s %2d")
/// classes.txt                      class names, one per line, in class-index order
/// synthetic.json                   generator version, parameters, classes and counts
/// ```
/// Every file is written atomically (a temporary file renamed into place). Files of an earlier, larger run in
/// the same directory are not deleted, but the `ImageSets` lists name only this run's images.
extension SyntheticGenerator {
    /// Renders every image and writes the dataset.
    /// - Parameters:
    ///   - directory: the dataset root (created if needed).
    ///   - progress: called with (images written, total) after each image, serially.
    /// - Returns: counts per class and split.
    /// - Throws: ``ImageError/writeFailed(path:reason:)`` naming the first file that could not be written.
    @discardableResult
    public func write(
        to directory: String, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> SyntheticSummary {
        let root = URL(fileURLWithPath: directory)
        for folder in [
            "JPEGImages", "Annotations", "SegmentationClass", "SegmentationObject",
            "ImageSets/Segmentation", "ImageSets/Main",
        ] {
            let path = root.appendingPathComponent(folder).path
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw ImageError.writeFailed(path: path, reason: error.localizedDescription)
            }
        }
        let results = SceneRecords(count: count, progress: progress)
        let count = self.count
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let scene = scene(at: index)
            do {
                try writeScene(scene, to: root)
                results.record(
                    index: index, classes: scene.objects.map(\.objectClass), occluded: scene.objects.map(\.isOccluded))
            } catch {
                results.fail(index: index, error: error)
            }
        }
        if let error = results.firstError { throw error }
        try writeImageSets(classesPerImage: results.classes, to: root)
        let summary = makeSummary(records: results)
        try writeManifest(summary: summary, to: root)
        return summary
    }

    /// Writes one scene's image, annotation and two masks.
    private func writeScene(_ scene: SyntheticScene, to root: URL) throws {
        let id = scene.id
        let jpeg = try JPEGCodec.encode(scene.image, quality: Self.jpegQuality)
        try FileBytes.write(jpeg, to: root.appendingPathComponent("JPEGImages/\(id).jpg").path)
        let annotation = Data(Self.annotationXML(for: scene).utf8)
        try FileBytes.write(annotation, to: root.appendingPathComponent("Annotations/\(id).xml").path)
        let classPNG = try PNGCodec.encode(scene.classMask, palette: VOCPalette.colors)
        try FileBytes.write(classPNG, to: root.appendingPathComponent("SegmentationClass/\(id).png").path)
        let objectPNG = try PNGCodec.encode(scene.instanceMask, palette: VOCPalette.colors)
        try FileBytes.write(objectPNG, to: root.appendingPathComponent("SegmentationObject/\(id).png").path)
    }

    /// The VOC annotation of a scene (tab-indented like the devkit's files).
    public static func annotationXML(for scene: SyntheticScene) -> String {
        var lines = [
            "<annotation>",
            "\t<folder>synthetic</folder>",
            "\t<filename>\(scene.id).jpg</filename>",
            "\t<source>",
            "\t\t<database>bench synthetic shapes v\(version)</database>",
            "\t\t<annotation>bench synth</annotation>",
            "\t\t<image>generated</image>",
            "\t</source>",
            "\t<size>",
            "\t\t<width>\(scene.image.width)</width>",
            "\t\t<height>\(scene.image.height)</height>",
            "\t\t<depth>3</depth>",
            "\t</size>",
            "\t<segmented>1</segmented>",
        ]
        for object in scene.objects {
            lines += [
                "\t<object>",
                "\t\t<name>\(object.objectClass.name)</name>",
                "\t\t<pose>Unspecified</pose>",
                "\t\t<truncated>0</truncated>",
                "\t\t<occluded>\(object.isOccluded ? 1 : 0)</occluded>",
                "\t\t<difficult>0</difficult>",
                "\t\t<bndbox>",
                "\t\t\t<xmin>\(Int(object.box.xMin))</xmin>",
                "\t\t\t<ymin>\(Int(object.box.yMin))</ymin>",
                "\t\t\t<xmax>\(Int(object.box.xMax))</xmax>",
                "\t\t\t<ymax>\(Int(object.box.yMax))</ymax>",
                "\t\t</bndbox>",
                "\t</object>",
            ]
        }
        lines.append("</annotation>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the split lists and VOC's per-class presence lists.
    private func writeImageSets(classesPerImage: [[SyntheticClass]], to root: URL) throws {
        let ids = (0..<count).map { Self.imageID(index: $0) }
        let splits: [(name: String, indices: [Int])] = [
            ("train", (0..<count).filter { isTrain(index: $0) }),
            ("val", (0..<count).filter { !isTrain(index: $0) }),
            ("trainval", Array(0..<count)),
        ]
        for split in splits {
            let list = Data(split.indices.map { ids[$0] + "\n" }.joined().utf8)
            for folder in ["ImageSets/Segmentation", "ImageSets/Main"] {
                try FileBytes.write(list, to: root.appendingPathComponent("\(folder)/\(split.name).txt").path)
            }
            for objectClass in SyntheticClass.allCases {
                // VOC writes these with MATLAB's '%s %2d', hence two spaces before a positive label.
                let lines = split.indices.map { index in
                    ids[index] + (classesPerImage[index].contains(objectClass) ? "  1\n" : " -1\n")
                }
                let path = root.appendingPathComponent("ImageSets/Main/\(objectClass.name)_\(split.name).txt").path
                try FileBytes.write(Data(lines.joined().utf8), to: path)
            }
        }
    }

    private func makeSummary(records: SceneRecords) -> SyntheticSummary {
        let classCount = SyntheticClass.allCases.count
        var summary = SyntheticSummary(
            imageCount: count, trainCount: (0..<count).filter { isTrain(index: $0) }.count, valCount: 0,
            twoClassImageCount: 0, plannedTwoClassImageCount: (0..<count).filter { isPlannedTwoClass(index: $0) }.count,
            imagesPerClass: [Int](repeating: 0, count: classCount),
            objectsPerClass: [Int](repeating: 0, count: classCount), objectCount: 0, occludedObjectCount: 0)
        summary.valCount = count - summary.trainCount
        for (classes, occluded) in zip(records.classes, records.occluded) {
            for objectClass in Set(classes) { summary.imagesPerClass[objectClass.rawValue] += 1 }
            for objectClass in classes { summary.objectsPerClass[objectClass.rawValue] += 1 }
            if Set(classes).count >= 2 { summary.twoClassImageCount += 1 }
            summary.objectCount += classes.count
            summary.occludedObjectCount += occluded.filter { $0 }.count
        }
        return summary
    }

    /// Writes `classes.txt` and `synthetic.json` (sorted keys, so the bytes are stable).
    private func writeManifest(summary: SyntheticSummary, to root: URL) throws {
        let names = Data(Self.classNames.map { $0 + "\n" }.joined().utf8)
        try FileBytes.write(names, to: root.appendingPathComponent("classes.txt").path)
        let manifest = SyntheticManifest(
            generator: "bench synth", version: Self.version, seed: seed, count: count, imageSize: Self.imageSize,
            twoClassShare: twoClassShare, trainFraction: trainFraction, jpegQuality: Self.jpegQuality,
            voidBorderWidth: Self.voidBorderWidth, minimumVisibleFraction: Self.minimumVisibleFraction,
            boxConvention: BoundingBox.Convention.oneBasedInclusive.rawValue,
            classes: SyntheticClass.allCases.map {
                SyntheticManifest.ClassEntry(
                    index: $0.rawValue, maskValue: $0.rawValue + 1, name: $0.name,
                    description: $0.summary)
            },
            summary: summary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let path = root.appendingPathComponent("synthetic.json").path
        do {
            try FileBytes.write(try encoder.encode(manifest) + Data("\n".utf8), to: path)
        } catch let error as ImageError {
            throw error
        } catch {
            throw ImageError.writeFailed(path: path, reason: "\(error)")
        }
    }
}

/// The contents of `synthetic.json`.
private struct SyntheticManifest: Codable {
    struct ClassEntry: Codable {
        var index: Int
        var maskValue: Int
        var name: String
        var description: String
    }

    var generator: String
    var version: Int
    var seed: UInt64
    var count: Int
    var imageSize: Int
    var twoClassShare: Double
    var trainFraction: Double
    var jpegQuality: Int
    var voidBorderWidth: Int
    var minimumVisibleFraction: Double
    var boxConvention: String
    var classes: [ClassEntry]
    var summary: SyntheticSummary
}

/// Per-image results gathered from concurrent workers, kept in image order.
private final class SceneRecords: @unchecked Sendable {
    private let lock = NSLock()
    private let progress: (@Sendable (Int, Int) -> Void)?
    private let total: Int
    private var done = 0
    private(set) var classes: [[SyntheticClass]]
    private(set) var occluded: [[Bool]]
    private var errors: [Int: any Error] = [:]

    init(count: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        classes = [[SyntheticClass]](repeating: [], count: count)
        occluded = [[Bool]](repeating: [], count: count)
        total = count
        self.progress = progress
    }

    func record(index: Int, classes imageClasses: [SyntheticClass], occluded imageOccluded: [Bool]) {
        lock.lock()
        defer { lock.unlock() }
        classes[index] = imageClasses
        occluded[index] = imageOccluded
        done += 1
        progress?(done, total)
    }

    func fail(index: Int, error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        errors[index] = error
    }

    /// The error of the lowest-numbered failed image, so the report does not depend on thread timing.
    var firstError: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return errors.keys.min().flatMap { errors[$0] }
    }
}

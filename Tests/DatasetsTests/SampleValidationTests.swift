import Foundation
import Imaging
import TestSupport
import Testing

@testable import Datasets

/// `Sample.validated(against:masks:)`, the one check a run's prefetch thread and `bench inspect --decode` share:
/// each case corrupts one file of a small synthetic VOC tree and expects the same typed error from both.
@Suite("Sample validation", .serialized)
struct SampleValidationTests {
    /// A fresh synthetic VOC tree of `count` val images (224 x 224).
    static func syntheticRoot(count: Int = 4) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("validation-\(UUID().uuidString)")
        try SyntheticGenerator(seed: 3, count: count, trainFraction: 0).write(to: root.path)
        return root.path
    }

    static func open(_ root: String) throws -> VOCDataset {
        var options = VOCDataset.Options(split: "val")
        options.classNames = SyntheticGenerator.classNames
        return try VOCDataset(root: root, options: options)
    }

    /// The error of validating sample 0 against its decoded image with every mask.
    static func error(_ dataset: VOCDataset, masks: Sample.MaskSelection = .all) throws -> DatasetError? {
        let sample = try dataset.sample(at: 0)
        let image = try sample.loadImage()
        do {
            _ = try sample.validated(against: image, masks: masks)
            return nil
        } catch {
            return error
        }
    }

    static func replaceXMLSize(_ root: String, id: String, width: Int) throws {
        let path = "\(root)/Annotations/\(id).xml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "<width>224</width>", with: "<width>\(width)</width>")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("an untouched synthetic sample validates and returns both masks at the image's size")
    func validSample() throws {
        let root = try Self.syntheticRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sample = try Self.open(root).sample(at: 0)
        let image = try sample.loadImage()
        let all = try sample.validated(against: image, masks: .all)
        #expect(all.segmentation?.width == 224 && all.instances?.height == 224)
        #expect(all.segmentation == (try sample.segmentation?.load()))
        let segmentationOnly = try sample.validated(against: image, masks: .segmentation)
        #expect(segmentationOnly.segmentation != nil && segmentationOnly.instances == nil)
        let none = try sample.validated(against: image, masks: .none)
        #expect(none.segmentation == nil && none.instances == nil)
    }

    @Test("a mask of another size names the mask, the image and both sizes")
    func maskOfAnotherSize() throws {
        let root = try Self.syntheticRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dataset = try Self.open(root)
        let id = dataset.sampleID(at: 0)
        let maskPath = "\(root)/SegmentationClass/\(id).png"
        try PNGCodec.encode(GrayImage(width: 224, height: 223, fill: 0)).write(to: URL(fileURLWithPath: maskPath))
        let imagePath = "\(root)/JPEGImages/\(id).jpg"
        let expected = DatasetError.maskSizeMismatch(
            maskPath: maskPath, maskWidth: 224, maskHeight: 223, imagePath: imagePath, imageWidth: 224,
            imageHeight: 224)
        #expect(try Self.error(dataset) == expected)
        #expect(expected.description == "\(maskPath): mask is 224x223 but its image \(imagePath) is 224x224")
        #expect(expected.kind == "size-mismatch" && expected.path == maskPath)
        // Under a boxes ground truth the mask is not read, so it does not fail the sample.
        #expect(try Self.error(dataset, masks: .none) == nil)
    }

    @Test("a truncated or missing mask is the mask's own error", arguments: ["truncated", "missing"])
    func brokenMask(kind: String) throws {
        let root = try Self.syntheticRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dataset = try Self.open(root)
        let maskPath = "\(root)/SegmentationClass/\(dataset.sampleID(at: 0)).png"
        if kind == "truncated" {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: maskPath))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: maskPath))
        } else {
            try FileManager.default.removeItem(atPath: maskPath)
        }
        let error = try #require(try Self.error(dataset, masks: .segmentation))
        #expect(error.path == maskPath)
        #expect(error.kind == (kind == "truncated" ? "corrupt-image" : "missing-file"))
    }

    @Test("an image whose decoded size disagrees with its annotation names both files and sizes")
    func declaredSizeDisagrees() throws {
        let root = try Self.syntheticRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let id = try Self.open(root).sampleID(at: 0)
        try Self.replaceXMLSize(root, id: id, width: 225)
        let expected = DatasetError.declaredSizeMismatch(
            annotationPath: "\(root)/Annotations/\(id).xml", declaredWidth: 225, declaredHeight: 224,
            imagePath: "\(root)/JPEGImages/\(id).jpg", width: 224, height: 224)
        // Even without masks: the boxes were checked against a size the image does not have.
        #expect(try Self.error(try Self.open(root), masks: .none) == expected)
        #expect(expected.description.contains("declares 225x224 but its image"))
    }

    @Test("a box with no pixel in the decoded image, or with min > max, is refused")
    func boxOutsideTheDecodedImage() throws {
        let image = RGBImage(width: 10, height: 8, pixels: [UInt8](repeating: 0, count: 240))
        for box in [
            BoundingBox(xMin: 12, yMin: 0, xMax: 20, yMax: 4, convention: .zeroBasedInclusive),
            BoundingBox(xMin: 5, yMin: 4, xMax: 3, yMax: 6, convention: .zeroBasedInclusive),
        ] {
            let sample = Sample(
                id: "s", imagePath: "s.png", image: .value(image), labels: [0],
                objects: [AnnotatedObject(classIndex: 0, box: box)])
            #expect(throws: DatasetError.boxOutsideImage(path: "s.png", box: box.description, width: 10, height: 8)) {
                try sample.validated(against: image, masks: .none)
            }
        }
        // Touching the border (CUB's x + w) is kept: the box still covers pixels.
        let edge = BoundingBox(xMin: 0, yMin: 0, xMax: 10, yMax: 8, convention: .zeroBasedInclusive)
        let sample = Sample(
            id: "s", imagePath: "s.png", image: .value(image), labels: [0],
            objects: [AnnotatedObject(classIndex: 0, box: edge)])
        #expect(throws: Never.self) { try sample.validated(against: image, masks: .none) }
    }

    @Test("inspect --decode reports the validation's error and whether only a mask caused it")
    func inspectionUsesTheValidation() throws {
        let root = try Self.syntheticRoot(count: 3)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dataset = try Self.open(root)
        let ids = (0..<3).map { dataset.sampleID(at: $0) }
        try PNGCodec.encode(GrayImage(width: 5, height: 5, fill: 0)).write(
            to: URL(fileURLWithPath: "\(root)/SegmentationClass/\(ids[0]).png"))
        try PNGCodec.encode(GrayImage(width: 5, height: 5, fill: 0)).write(
            to: URL(fileURLWithPath: "\(root)/SegmentationObject/\(ids[1]).png"))
        try Self.replaceXMLSize(root, id: ids[2], width: 200)
        let report = DatasetInspection(of: try Self.open(root), decode: true)
        #expect(report.failures.map(\.sampleID) == ids)
        #expect(report.failures.map(\.stage) == [.segmentationMask, .instanceMask, .image])
        #expect(report.failures.map(\.error.kind) == ["size-mismatch", "size-mismatch", "size-mismatch"])
        let sample = try Self.open(root).sample(at: 0)
        #expect(
            report.failures[0].error == (try Self.error(try Self.open(root), masks: .segmentation)))
        #expect(report.failures[0].runNote.contains("boxes-only runs score it"))
        #expect(report.failures[2].runNote.isEmpty)
        #expect(sample.id == ids[0])
    }

    @Test("a bomb image is refused with its declared size wherever a sample decodes it")
    func bombImage() throws {
        let root = try Self.syntheticRoot(count: 2)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dataset = try Self.open(root)
        let id = dataset.sampleID(at: 0)
        let path = "\(root)/JPEGImages/\(id).jpg"
        try Data(ImageBombs.jpeg(width: 30000, height: 30000)).write(to: URL(fileURLWithPath: path))
        let report = DatasetInspection(of: dataset, decode: true)
        let failure = try #require(report.failures.first)
        #expect(
            failure.error
                == .image(.tooManyPixels(path: path, width: 30000, height: 30000, limit: ImageDecoder.pixelLimit)))
        #expect(failure.error.kind == "image-too-large")
        // The header probe (folder boxes, mask checks) refuses it the same way.
        #expect(throws: DatasetError.image(.tooManyPixels(path: path, width: 30000, height: 30000, limit: 1 << 28))) {
            try ImageHeaderProbe.size(ofImageAt: path)
        }
    }
}

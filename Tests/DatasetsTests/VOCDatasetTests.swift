import Foundation
import Imaging
import Testing

@testable import Datasets

/// The fixture tree written by `tools/make_voc_fixtures.py`.
private func vocFixture(_ relative: String = "") throws -> String {
    guard let base = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/voc").path else {
        throw FixtureMissing()
    }
    return relative.isEmpty ? base : base + "/" + relative
}

private struct FixtureMissing: Error {}

/// What Pillow read back from the written fixtures (`Fixtures/voc/expected.json`).
private struct VOCExpected: Decodable {
    struct Mask: Decodable {
        let width: Int
        let height: Int
        let void: Int
        let histogram: [String: Int]
        let values: [UInt8]?
    }

    struct JPEG: Decodable {
        let width: Int
        let height: Int
        let pixels: [UInt8]
    }

    let palette: [UInt8]
    let masks: [String: Mask]
    let jpeg: [String: JPEG]

    static func load() throws -> VOCExpected {
        let data = try Data(contentsOf: URL(fileURLWithPath: try vocFixture("expected.json")))
        return try JSONDecoder().decode(VOCExpected.self, from: data)
    }
}

/// Index of an id in a dataset, for readable tests.
private func index(of id: String, in dataset: VOCDataset) throws -> Int {
    try #require((0..<dataset.count).first { dataset.sampleID(at: $0) == id })
}

/// The failure of every sample that fails, keyed by id.
private func failures(of dataset: VOCDataset) -> [String: DatasetError] {
    var failures: [String: DatasetError] = [:]
    for case .failure(let failure) in dataset.samples() { failures[failure.sampleID] = failure.error }
    return failures
}

@Suite struct VOCDatasetTests {
    @Test(arguments: ["", "VOCdevkit", "VOCdevkit/VOC2012", "VOCdevkit/VOC2012/"])
    func rootIsFoundFromAnyLevel(relative: String) throws {
        let dataset = try VOCDataset(root: try vocFixture(relative))
        #expect(dataset.root == (try vocFixture("VOCdevkit/VOC2012")))
        #expect(dataset.name == "voc" && dataset.split == "val")
        #expect(dataset.count == 3)
        #expect((0..<3).map(dataset.sampleID(at:)) == ["2007_000032", "2008_000123", "2011_003353"])
        #expect(dataset.classNames.count == 20 && dataset.classNames[14] == "person")
    }

    @Test func layoutErrorsNameThePath() throws {
        let missing = try vocFixture("nowhere")
        #expect(throws: DatasetError.missingFile(path: missing)) { try VOCDataset(root: missing) }
        let wrong = try vocFixture("VOCdevkit/VOC2012/ImageSets")
        #expect {
            try VOCDataset(root: wrong)
        } throws: { error in
            guard case .invalidLayout(let path, let reason) = error as? DatasetError else { return false }
            return path == wrong && reason.contains("Annotations/")
        }
        #expect {
            try VOCDataset(root: try vocFixture(), options: .init(split: "test"))
        } throws: { error in
            guard case .invalidLayout(_, let reason) = error as? DatasetError else { return false }
            return reason.contains("ImageSets/Segmentation/test.txt") && reason.contains("available: train, val")
        }
    }

    @Test func perClassListIsNotTakenForASplit() throws {
        let list = try vocFixture("VOCdevkit/VOC2012/ImageSets/Main/aeroplane_val.txt")
        #expect(
            throws: DatasetError.malformedAnnotation(path: list, reason: "line 1 has 2 fields, expected one image id")
        ) {
            try VOCDataset(root: try vocFixture(), options: .init(split: "aeroplane_val", imageSet: .main))
        }
    }

    @Test func twoClassImageHasItsBoxesFlagsAndLabels() throws {
        let dataset = try VOCDataset(root: try vocFixture())
        let sample = try dataset.sample(at: 0)
        #expect(sample.id == "2007_000032")
        #expect(sample.imagePath == (try vocFixture("VOCdevkit/VOC2012/JPEGImages/2007_000032.jpg")))
        #expect(sample.declaredSize?.width == 32 && sample.declaredSize?.height == 24)
        #expect(sample.labels == [0, 14])
        #expect(sample.objects.map(\.classIndex) == [0, 0, 14])
        #expect(
            sample.objects[0].box == BoundingBox(xMin: 3, yMin: 4, xMax: 14, yMax: 12, convention: .oneBasedInclusive))
        #expect(
            sample.objects[2].box
                == BoundingBox(xMin: 20, yMin: 12, xMax: 30, yMax: 23, convention: .oneBasedInclusive))
        #expect(sample.objects.map(\.isTruncated) == [false, true, false])
        #expect(sample.objects.map(\.isOccluded) == [false, false, true])
        #expect(sample.objects.map(\.isDifficult) == [false, false, false])
        #expect(sample.boxes(ofClass: 0).count == 2)
        let poses = try dataset.annotation(at: 0).objects.map(\.pose)
        #expect(poses == ["Frontal", "Left", "Unspecified"])
    }

    @Test func jpegDecodesAsPillowDoes() throws {
        let expected = try #require(try VOCExpected.load().jpeg["2007_000032"])
        let image = try VOCDataset(root: try vocFixture()).sample(at: 0).loadImage()
        #expect(image.width == expected.width && image.height == expected.height)
        let maxDifference = zip(image.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max()
        #expect(maxDifference == 0)
    }

    @Test func classAndInstanceMasksAreReadAsPaletteIndices() throws {
        let expected = try VOCExpected.load()
        let sample = try VOCDataset(root: try vocFixture()).sample(at: 0)
        let classes = try #require(try sample.segmentation?.load())
        let instances = try #require(try sample.instances?.load())
        let classTruth = try #require(expected.masks["SegmentationClass/2007_000032"])
        let instanceTruth = try #require(expected.masks["SegmentationObject/2007_000032"])
        #expect(classes.encoding == .classIndexPlusOne && instances.encoding == .instanceIndexPlusOne)
        #expect(classes.values.values == classTruth.values)
        #expect(instances.values.values == instanceTruth.values)
        #expect(classes.ignoredPixelCount == classTruth.void)
        #expect(instances.ignoredPixelCount == instanceTruth.void)
        // Aeroplane box (3, 4)-(14, 12) 1-based: rim at 0-based x 2 / y 3 is void, inside is class 1.
        #expect(classes.values[5, 5] == 1 && instances.values[5, 5] == 1)
        #expect(classes.values[2, 3] == 255 && classes.ignore[3 * 32 + 2])
        #expect(classes.values[0, 0] == 0)
        // Second aeroplane (16, 2)-(22, 8) is instance 2; the person (20, 12)-(30, 23) is class 15, instance 3.
        #expect(classes.values[18, 4] == 1 && instances.values[18, 4] == 2)
        #expect(classes.values[25, 15] == 15 && instances.values[25, 15] == 3)
        let personPixels = classes.foreground(classIndex: 14).filter { $0 }.count
        #expect(personPixels == classTruth.histogram["15"])
    }

    @Test func difficultObjectIsFlaggedAndVoidInTheMask() throws {
        let expected = try VOCExpected.load()
        let dataset = try VOCDataset(root: try vocFixture())
        let sample = try dataset.sample(at: 1)
        #expect(sample.id == "2008_000123")
        #expect(sample.objects.map(\.isDifficult) == [false, true])
        #expect(sample.labels == [7, 11])
        #expect(sample.boxes(ofClass: 7, includeDifficult: false).isEmpty)
        let mask = try #require(try sample.segmentation?.load())
        let truth = try #require(expected.masks["SegmentationClass/2008_000123"])
        #expect(mask.ignoredPixelCount == truth.void)
        // The whole difficult cat box (18, 6)-(29, 18) is void: 12 x 13 pixels plus the dog's rim.
        #expect(truth.histogram["8"] == nil)
        #expect(mask.values[22, 10] == 255)
        let withoutDifficult = try VOCDataset(root: try vocFixture(), options: .init(labelsIncludeDifficult: false))
        #expect(try withoutDifficult.sample(at: 1).labels == [11])
    }

    @Test func floatCoordinatesAndReorderedBoxChildren() throws {
        let dataset = try VOCDataset(root: try vocFixture())
        let sample = try dataset.sample(at: 2)
        #expect(sample.id == "2011_003353")
        #expect(sample.objects.count == 1)  // the person-layout <part> is not an object
        let box = try #require(sample.objects[0].box)
        #expect(box.yMin == 45.70000076293945)
        #expect(box == BoundingBox(xMin: 12, yMin: 45.70000076293945, xMax: 50, yMax: 58, convention: box.convention))
        #expect(box.convention == .oneBasedInclusive)
        #expect(try #require(box.pixelBounds(width: 80, height: 60)) == (11, 44, 49, 57))
        #expect(sample.objects[0].isOccluded && !sample.objects[0].isTruncated)
        let annotation = try dataset.annotation(at: 2)
        #expect(annotation.objects[0].name == "person" && annotation.objects[0].pose == "Frontal")
        #expect(annotation.filename == "2011_003353.jpg" && annotation.isSegmented == true && annotation.depth == 3)
        #expect(try sample.segmentation?.load().values[20, 50] == 15)
    }

    @Test func badSamplesFailWithTheirKindAndPath() throws {
        let dataset = try VOCDataset(root: try vocFixture(), options: .init(imageSet: .main))
        #expect(dataset.count == 10)
        let failed = failures(of: dataset)
        #expect(failed.keys.sorted() == ["2012_000001", "2012_000002", "2012_000003", "2012_000004", "2012_000006"])
        let annotations = try vocFixture("VOCdevkit/VOC2012/Annotations")
        guard case .malformedAnnotation(let path, let reason) = failed["2012_000001"] else {
            Issue.record("expected a malformed annotation, got \(String(describing: failed["2012_000001"]))")
            return
        }
        #expect(path == annotations + "/2012_000001.xml")
        #expect(reason == "not well-formed XML: '>' expected, libxml2 error 73 (line 9)")
        let missingJPEG = try vocFixture("VOCdevkit/VOC2012/JPEGImages/2012_000002.jpg")
        #expect(failed["2012_000002"] == .missingFile(path: missingJPEG))
        #expect(failed["2012_000003"] == .unknownClass(path: annotations + "/2012_000003.xml", name: "zebra"))
        #expect(
            failed["2012_000004"]
                == .boxOutsideImage(
                    path: annotations + "/2012_000004.xml", box: "[1, 1, 40, 10] (1-based-inclusive)", width: 32,
                    height: 24))
        #expect(failed["2012_000006"] == .missingFile(path: annotations + "/2012_000006.xml"))
        #expect(failed["2012_000003"]?.kind == "unknown-class")
        // Main ids get masks only when the PNGs exist.
        #expect(try dataset.sample(at: index(of: "2007_000032", in: dataset)).segmentation != nil)
        #expect(try dataset.sample(at: index(of: "2012_000008", in: dataset)).segmentation == nil)
    }

    @Test func boxesOutsideCanBeKeptAndClamped() throws {
        let options = VOCDataset.Options(imageSet: .main, rejectBoxesOutsideImage: false)
        let dataset = try VOCDataset(root: try vocFixture(), options: options)
        let sample = try dataset.sample(at: try index(of: "2012_000004", in: dataset))
        let box = try #require(sample.objects[0].box)
        #expect(try #require(box.pixelBounds(width: 32, height: 24)) == (0, 0, 31, 9))
    }

    @Test func maskOfAnotherSizeIsASizeMismatch() throws {
        let dataset = try VOCDataset(root: try vocFixture(), options: .init(split: "train"))
        #expect(dataset.count == 1 && dataset.sampleID(at: 0) == "2012_000005")  // CRLF list with a blank line
        let sample = try dataset.sample(at: 0)
        let mask = try vocFixture("VOCdevkit/VOC2012/SegmentationClass/2012_000005.png")
        let expected = DatasetError.maskSizeMismatch(
            maskPath: mask, maskWidth: 30, maskHeight: 20, imagePath: try #require(sample.imagePath), imageWidth: 32,
            imageHeight: 24)
        #expect(throws: expected) { try sample.segmentation?.load() }
        #expect(expected.description.hasSuffix("mask is 30x20 but its image \(sample.imagePath ?? "") is 32x24"))
    }

    @Test func singleClassSubsetIgnoringDifficultObjects() throws {
        let dataset = try VOCDataset(root: try vocFixture(), options: .leemSeo2024)
        let ids = (0..<dataset.count).map(dataset.sampleID(at:))
        // 2007_000032 (aeroplane + person) and 2012_000007 (only a difficult cat) are dropped; unreadable
        // annotations stay so the run reports them.
        #expect(
            ids == [
                "2008_000123", "2011_003353", "2012_000001", "2012_000002", "2012_000003", "2012_000004",
                "2012_000006", "2012_000008",
            ])
        let dogAndDifficultCat = try dataset.sample(at: 0)
        #expect(dogAndDifficultCat.labels == [11])
        #expect(dogAndDifficultCat.objects.count == 2)
        #expect(try dataset.sample(at: 7).labels == [11])
        #expect(failures(of: dataset).count == 5)
    }

    @Test func singleClassSubsetCountingEveryObject() throws {
        let options = VOCDataset.Options(imageSet: .main, singleClass: .allObjects)
        let dataset = try VOCDataset(root: try vocFixture(), options: options)
        let ids = (0..<dataset.count).map(dataset.sampleID(at:))
        #expect(
            ids == [
                "2011_003353", "2012_000001", "2012_000002", "2012_000003", "2012_000004", "2012_000006",
                "2012_000007", "2012_000008",
            ])
        #expect(try dataset.sample(at: 6).labels == [7])
    }

    @Test func paletteMatchesTheDevkitColourMapAndTheMaskFiles() throws {
        let expected = try VOCExpected.load()
        #expect(VOCPalette.colors.count == 768)
        #expect(VOCPalette.colors == expected.palette)
        #expect(VOCPalette.color(ofIndex: 255) == (224, 224, 192))
        #expect(VOCPalette.color(ofIndex: 1) == (128, 0, 0))
        #expect(VOCPalette.color(ofIndex: 15) == (192, 128, 128))
        let png = try PNGCodec.decode(contentsOf: try vocFixture("VOCdevkit/VOC2012/SegmentationClass/2007_000032.png"))
        #expect(png.colorType == .palette)
        #expect(png.palette == VOCPalette.colors)
    }

    @Test func anotherClassListReadsOtherNames() throws {
        let options = VOCDataset.Options(imageSet: .main, classNames: VOCDataset.classNames + ["zebra"])
        let dataset = try VOCDataset(root: try vocFixture(), options: options)
        #expect(dataset.classNames.count == 21 && dataset.classIndex(ofName: "zebra") == 20)
        #expect(try dataset.sample(at: index(of: "2012_000003", in: dataset)).labels == [20])
        for names in [[], ["a", "a"], (0..<255).map { "c\($0)" }] {
            #expect {
                try VOCDataset(root: try vocFixture(), options: .init(classNames: names))
            } throws: { error in
                guard case .invalidLayout(_, let reason) = error as? DatasetError else { return false }
                return reason.contains("1 to 254 distinct names")
            }
        }
    }

    @Test func classNamesMapToIndices() {
        #expect(VOCDataset.classIndex(of: "aeroplane") == 0)
        #expect(VOCDataset.classIndex(of: "tvmonitor") == 19)
        #expect(VOCDataset.classIndex(of: "zebra") == nil)
        #expect(!VOCDataset.summary.isEmpty && !VOCDataset.reads.isEmpty)
    }
}

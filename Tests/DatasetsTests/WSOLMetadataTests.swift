import Foundation
import Imaging
import SeededRandom
import TestSupport
import Testing

@testable import Datasets

/// wsolevaluation metadata: ILSVRC boxes and OpenImages masks (fixtures from tools/make_cub_fixtures.py, golden
/// masks from wsolevaluation's `get_mask` run with OpenCV).
struct WSOLMetadataTests {
    static let imageA = "test/01226z/7af766bd43da900b.jpg"
    static let imageB = "test/01226z/973645e9516726b3.jpg"

    private func open(_ dataset: String, options: WSOLMetadataDataset.Options = .init()) throws -> WSOLMetadataDataset {
        try WSOLMetadataDataset(
            metadataRoot: try CUBWSOLFixtures.path("wsol/metadata"), dataset: dataset, split: "test",
            dataRoot: try CUBWSOLFixtures.path("wsol/data"), options: options)
    }

    @Test func ilsvrcBoxesKeepFileOrderAndSeveralBoxesPerImage() throws {
        let dataset = try open("ILSVRC")
        #expect(dataset.name == "wsol" && dataset.split == "test")
        #expect(dataset.annotationKind == .boxes)
        #expect(dataset.count == 2)
        #expect(dataset.classNames.count == 1000 && dataset.classNames[970] == "class_970")
        #expect(dataset.sampleID(at: 1) == "val/ILSVRC2012_val_00000002.JPEG")
        let first = try dataset.sample(at: 0)
        #expect(first.labels == [65])
        #expect(
            first.objects.map(\.box) == [
                BoundingBox(xMin: 111, yMin: 108, xMax: 441, yMax: 193, convention: .zeroBasedInclusive)
            ])
        let second = try dataset.sample(at: 1)
        #expect(second.labels == [970])
        #expect(second.declaredSize?.width == 500 && second.declaredSize?.height == 375)
        #expect(
            second.objects.map(\.box) == [
                BoundingBox(xMin: 45, yMin: 49, xMax: 499, yMax: 162, convention: .zeroBasedInclusive),
                BoundingBox(xMin: 2, yMin: 69, xMax: 437, yMax: 207, convention: .zeroBasedInclusive),
            ])
        #expect(second.objects.allSatisfy { $0.classIndex == 970 })
        #expect(second.segmentation == nil)
        #expect(try second.loadImage().width == 16)
    }

    @Test func trailingNewlinesDoNotChangeTheResult() throws {
        let copy = try CUBWSOLFixtures.temporaryCopy(of: "wsol")
        let folder = copy + "/metadata/ILSVRC/test"
        for file in ["image_ids.txt", "class_labels.txt", "image_sizes.txt", "localization.txt"] {
            let text = try TextTable.readText(folder + "/" + file)
            #expect(!text.hasSuffix("\n"))
            try CUBWSOLFixtures.write(
                text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n", to: folder + "/" + file)
        }
        let dataset = try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: copy + "/data")
        #expect(dataset.count == 2)
        #expect(try dataset.sample(at: 1).objects.count == 2)
    }

    @Test func openImagesMasksMatchWSOLEvaluationGetMask() throws {
        let expected = try CUBWSOLFixtures.expected("wsol/expected.json")
        let dataset = try open("OpenImages")
        #expect(dataset.annotationKind == .masks)
        #expect(dataset.classNames.count == 100)
        for (index, id) in [Self.imageA, Self.imageB].enumerated() {
            let sample = try dataset.sample(at: index)
            #expect(sample.id == id)
            #expect(sample.declaredSize == nil)
            #expect(sample.objects.isEmpty)
            #expect(sample.labels == [0])
            let mask = try #require(try sample.segmentation?.load())
            let golden = try CUBWSOLFixtures.bytes(expected[id])
            #expect(mask.encoding == .foreground)
            #expect(mask.values.values == golden.map { $0 == 1 ? 1 : 0 })
            #expect(mask.ignore == golden.map { $0 == 255 })
            #expect(mask.foreground(classIndex: 0) == golden.map { $0 == 1 })
        }
    }

    @Test func openCVGrayMatchesCV2OnAColourMask() throws {
        let name = "test/01226z/7af766bd43da900b_m01226z_8856c605.png"
        let expected = try CUBWSOLFixtures.expected("wsol/expected.json")
        let png = try PNGCodec.decode(contentsOf: try CUBWSOLFixtures.path("wsol/data/" + name))
        #expect(png.colorType == .rgb)
        #expect(MaskLevels.openCVGray(png).values == (try CUBWSOLFixtures.bytes(expected["opencv_gray_" + name])))
    }

    @Test func higherThresholdDropsSoftLevels() throws {
        let mask = try #require(
            try open("OpenImages", options: .init(maskThreshold: .above(127))).sample(at: 0).segmentation?.load())
        // Row 0 holds levels 1, 2, 64, 127, 128, 200, 254, 255 in mask A1.
        #expect(Array(mask.values.values[0..<8]) == [0, 0, 0, 0, 1, 1, 1, 1])
    }

    @Test func boxOutsideTheDeclaredSizeIsATypedError() throws {
        let copy = try CUBWSOLFixtures.temporaryCopy(of: "wsol")
        let folder = copy + "/metadata/ILSVRC/test"
        let id = "val/ILSVRC2012_val_00000002.JPEG"
        try CUBWSOLFixtures.write(
            "val/ILSVRC2012_val_00000001.JPEG,111,108,441,193\n\(id),45,49,500,162\n\(id),2,69,437,207",
            to: folder + "/localization.txt")
        let strict = try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: copy + "/data")
        #expect(
            throws: DatasetError.boxOutsideImage(
                path: folder + "/localization.txt:2", box: "[45, 49, 500, 162] (0-based-inclusive)", width: 500,
                height: 375)
        ) { try strict.sample(at: 1) }
        let lenient = try WSOLMetadataDataset(
            metadataDirectory: folder, dataRoot: copy + "/data", options: .init(requireBoxesInsideImage: false))
        #expect(try lenient.sample(at: 1).objects.count == 2)
        try CUBWSOLFixtures.write("\(id),45,49,40,162", to: folder + "/localization.txt")
        #expect(throws: DatasetError.self) {
            try WSOLMetadataDataset(
                metadataDirectory: folder, dataRoot: copy + "/data", options: .init(requireBoxesInsideImage: false)
            ).sample(at: 1)
        }
    }

    @Test func perImageProblemsAreThrownBySample() throws {
        let copy = try CUBWSOLFixtures.temporaryCopy(of: "wsol")
        let folder = copy + "/metadata/OpenImages/test"
        let a = Self.imageA
        let b = Self.imageB
        try CUBWSOLFixtures.write("\(a),0\n\(b),100", to: folder + "/class_labels.txt")
        try CUBWSOLFixtures.write(
            "\(a),m1.png,i1.png\n\(a),m2.png,i2.png\n\(b),test/01226z/973645e9516726b3_m01226z_9ad378d4.png,",
            to: folder + "/localization.txt")
        let dataset = try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: copy + "/data")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: folder + "/localization.txt",
                reason: "line 2: second ignore PNG for '\(a)'; only an image's first line may name one")
        ) { try dataset.sample(at: 0) }
        #expect(throws: DatasetError.unknownClass(path: folder + "/class_labels.txt", name: "100 (image '\(b)')")) {
            try dataset.sample(at: 1)
        }
        try CUBWSOLFixtures.write("\(a),0\n\(b),0", to: folder + "/class_labels.txt")
        let fixed = try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: copy + "/data")
        // An empty ignore field on the image's only line: no ignore region.
        let mask = try #require(try fixed.sample(at: 1).segmentation?.load())
        #expect(mask.ignoredPixelCount == 0)
        try CUBWSOLFixtures.write("\(a),m1.png,i1.png", to: folder + "/localization.txt")
        #expect(throws: DatasetError.missingFile(path: copy + "/data/m1.png")) {
            try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: copy + "/data").sample(at: 0).segmentation?
                .load()
        }
        try FileManager.default.removeItem(atPath: copy + "/data/" + b)
        #expect(throws: DatasetError.missingFile(path: copy + "/data/" + b)) { try fixed.sample(at: 1) }
    }

    @Test func malformedFilesFailWhenOpened() throws {
        let copy = try CUBWSOLFixtures.temporaryCopy(of: "wsol")
        let folder = copy + "/metadata/ILSVRC/test"
        let open = { try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: copy + "/data") }
        try CUBWSOLFixtures.write("a,1,2,3,4\nb,m.png,", to: folder + "/localization.txt")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: folder + "/localization.txt", reason: "line 2: 3 fields where the file's boxes lines have 5")
        ) { try open() }
        try CUBWSOLFixtures.write("", to: folder + "/localization.txt")
        #expect(try open().annotationKind == .none)
        try CUBWSOLFixtures.write("val/ILSVRC2012_val_00000001.JPEG,sixty-five", to: folder + "/class_labels.txt")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: folder + "/class_labels.txt", reason: "line 1: class label 'sixty-five' is not an integer")
        ) { try open() }
        try FileManager.default.removeItem(atPath: folder + "/image_ids.txt")
        #expect(throws: DatasetError.missingFile(path: folder + "/image_ids.txt")) { try open() }
        #expect(throws: DatasetError.missingFile(path: copy + "/nowhere")) {
            try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: copy + "/nowhere")
        }
    }

    @Test func classNamesFileAndCountOptions() throws {
        let copy = try CUBWSOLFixtures.temporaryCopy(of: "wsol")
        try CUBWSOLFixtures.write("tench\ngoldfish\n", to: copy + "/names.txt")
        let named = try open("ILSVRC", options: .init(classNamesFile: copy + "/names.txt"))
        #expect(named.classNames == ["tench", "goldfish"])
        #expect(throws: DatasetError.self) { try named.sample(at: 0) }
        #expect(try open("ILSVRC", options: .init(classCount: 1001)).classNames.count == 1001)
        let renamed = copy + "/metadata/Mine/test"
        try FileManager.default.createDirectory(atPath: copy + "/metadata/Mine", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: copy + "/metadata/ILSVRC/test", toPath: renamed)
        // Unknown dataset folder: largest label + 1.
        #expect(try WSOLMetadataDataset(metadataDirectory: renamed, dataRoot: copy + "/data").classNames.count == 971)
    }

    /// Seeded truncations and byte flips of the metadata files never crash and give typed errors.
    @Test func fuzzedMetadataGivesTypedErrors() throws {
        let copy = try CUBWSOLFixtures.temporaryCopy(of: "wsol")
        var generator = SplitMix64(seed: 1_9_10)
        for dataset in ["ILSVRC", "OpenImages"] {
            let folder = copy + "/metadata/\(dataset)/test"
            let files = ["image_ids.txt", "class_labels.txt", "localization.txt"]
            for round in 0..<90 {
                let path = folder + "/" + files[round % files.count]
                let original = try #require(FileManager.default.contents(atPath: path))
                let data = generator.damaged(original, round: round, flips: 4)
                try data.write(to: URL(fileURLWithPath: path))
                do {
                    let opened = try WSOLMetadataDataset(metadataDirectory: folder, dataRoot: copy + "/data")
                    for index in 0..<opened.count {
                        do {
                            _ = try opened.sample(at: index).segmentation?.load()
                        } catch is DatasetError {
                            continue
                        }
                    }
                } catch is DatasetError {
                } catch {
                    Issue.record("untyped error \(error)")
                }
                try original.write(to: URL(fileURLWithPath: path))
            }
        }
    }
}

import Foundation
import Imaging
import SeededRandom
import TestSupport
import Testing

@testable import Datasets

/// Fixture access for the CUB, wsolevaluation and folder tests (fixtures written by tools/make_cub_fixtures.py).
enum CUBWSOLFixtures {
    /// The absolute path of `Fixtures/<name>`.
    static func path(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return url.appendingPathComponent(name).path
    }

    /// A fresh writable copy of `Fixtures/<name>` in a temporary folder.
    static func temporaryCopy(of name: String) throws -> String {
        let destination = FileManager.default.temporaryDirectory
            .appendingPathComponent("cub-wsol-tests-\(UUID().uuidString)").appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try path(name), toPath: destination.path)
        return destination.path
    }

    /// Overwrites a text file.
    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The decoded JSON object of an `expected.json`.
    static func expected(_ name: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: try path(name)))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A JSON array of integers as bytes.
    static func bytes(_ value: Any?) throws -> [UInt8] {
        let numbers = try #require(value as? [Int])
        return numbers.map { UInt8($0) }
    }
}

struct CUBTests {
    static let firstImage = "001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.jpg"

    private func openFixture(_ options: CUBDataset.Options = .init()) throws -> CUBDataset {
        try CUBDataset(root: try CUBWSOLFixtures.path("cub/CUB_200_2011"), options: options)
    }

    @Test func testSplitIsTheDefaultAndKeepsFileOrder() throws {
        let dataset = try openFixture()
        #expect(dataset.name == "cub")
        #expect(dataset.split == "test")
        #expect(dataset.count == 3)
        #expect(
            (0..<3).map(dataset.sampleID(at:)) == [
                Self.firstImage,
                "001.Black_footed_Albatross/Black_Footed_Albatross_0002_55.jpg",
                "002.Laysan_Albatross/Laysan_Albatross_0002_1027.jpg",
            ])
        #expect((0..<3).map(dataset.imageID(at:)) == [1, 3, 61])
        #expect(dataset.classNames == ["001.Black_footed_Albatross", "002.Laysan_Albatross", "003.Sooty_Albatross"])
    }

    @Test(arguments: [(CUBDataset.Split.train, [2]), (.test, [1, 3, 61]), (.all, [1, 2, 3, 61])])
    func splitsFollowTrainTestSplit(split: CUBDataset.Split, ids: [Int]) throws {
        let dataset = try openFixture(.init(split: split))
        #expect((0..<dataset.count).map(dataset.imageID(at:)) == ids)
        #expect(dataset.split == split.rawValue)
    }

    @Test func firstImageHasTheWSOLEvaluationBox() throws {
        let sample = try openFixture().sample(at: 0)
        #expect(sample.id == Self.firstImage)
        #expect(sample.labels == [0])
        let box = try #require(sample.objects.first?.box)
        // `1 60.0 27.0 325.0 304.0` -> wsolevaluation's `60,27,385,331`.
        #expect(box == BoundingBox(xMin: 60, yMin: 27, xMax: 385, yMax: 331, convention: .zeroBasedInclusive))
        #expect(sample.objects.count == 1 && sample.objects[0].classIndex == 0)
        #expect(sample.imagePath?.hasSuffix("CUB_200_2011/images/" + Self.firstImage) == true)
        let image = try sample.loadImage()
        #expect(image.width == 16 && image.height == 12)
        #expect(sample.declaredSize == nil)
    }

    @Test func laysanAlbatrossIsClassOneWithFractionFreeBox() throws {
        let sample = try openFixture().sample(at: 2)
        #expect(sample.labels == [1])
        #expect(
            sample.objects[0].box
                == BoundingBox(xMin: 144, yMin: 40, xMax: 477, yMax: 205, convention: .zeroBasedInclusive))
    }

    @Test func segmentationsNextToTheRootAreFound() throws {
        let dataset = try openFixture()
        let expectedRoot = URL(fileURLWithPath: try CUBWSOLFixtures.path("cub/segmentations")).path
        #expect(dataset.segmentationsRoot == expectedRoot)
        #expect(try openFixture(.init(segmentations: .none)).segmentationsRoot == nil)
        #expect(try openFixture(.init(segmentations: .none)).sample(at: 0).segmentation == nil)
    }

    @Test(arguments: [
        ("gray", 0, MaskThreshold.half, "half"), ("gray", 0, .nonZero, "nonzero"), ("rgb", 1, .half, "half"),
    ])
    func softMaskIsBinarisedPixelByPixel(key: String, index: Int, threshold: MaskThreshold, expectedKey: String) throws
    {
        let expected = try #require(try CUBWSOLFixtures.expected("cub/expected.json")[key] as? [String: Any])
        let sample = try openFixture(.init(maskThreshold: threshold)).sample(at: index)
        let mask = try #require(try sample.segmentation?.load())
        #expect(mask.width == 16 && mask.height == 12)
        #expect(mask.encoding == .foreground)
        #expect(mask.ignoredPixelCount == 0)
        #expect(mask.values.values == (try CUBWSOLFixtures.bytes(expected[expectedKey])))
        // The level reading itself (first channel for the RGB mask).
        let png = try PNGCodec.decode(
            contentsOf: try CUBWSOLFixtures.path("cub/segmentations/" + (try #require(expected["path"] as? String))))
        #expect(MaskLevels.firstChannel(png).values == (try CUBWSOLFixtures.bytes(expected["levels"])))
    }

    @Test func thresholdBoundaryIs128() {
        #expect(!MaskThreshold.half.isForeground(127))
        #expect(MaskThreshold.half.isForeground(128))
        #expect(!MaskThreshold.nonZero.isForeground(0))
        #expect(MaskThreshold.nonZero.isForeground(1))
        #expect(MaskThreshold(parsing: ">=128") == .half)
        #expect(MaskThreshold(parsing: "128") == .half)
        #expect(MaskThreshold(parsing: " >0 ") == .nonZero)
        #expect(MaskThreshold(parsing: ">127") == .above(127))
        #expect(MaskThreshold(parsing: "half") == .half)
        #expect(MaskThreshold(parsing: "256") == nil)
        #expect(MaskThreshold(parsing: ">=x") == nil)
        #expect(MaskThreshold.above(127).description == ">127")
    }

    @Test func wrongSizeAndMissingMasksAreTypedErrors() throws {
        let train = try openFixture(.init(split: .train)).sample(at: 0)
        let segmentations = try CUBWSOLFixtures.path("cub/segmentations")
        let wrongPath =
            URL(fileURLWithPath: segmentations).path
            + "/001.Black_footed_Albatross/Black_Footed_Albatross_0009_34.png"
        #expect(
            throws: DatasetError.maskSizeMismatch(
                maskPath: wrongPath, maskWidth: 8, maskHeight: 6, imagePath: try #require(train.imagePath),
                imageWidth: 16, imageHeight: 12)
        ) {
            try train.segmentation?.load()
        }
        let laysan = try openFixture(.init(segmentations: .folder(segmentations))).sample(at: 2)
        #expect(
            throws: DatasetError.missingFile(
                path: segmentations + "/002.Laysan_Albatross/Laysan_Albatross_0002_1027.png")
        ) {
            try laysan.segmentation?.load()
        }
    }

    @Test func explicitAndInsideSegmentationFolders() throws {
        #expect(throws: DatasetError.missingFile(path: "/nonexistent/segs")) {
            try openFixture(.init(segmentations: .folder("/nonexistent/segs")))
        }
        let copy = try CUBWSOLFixtures.temporaryCopy(of: "cub")
        let root = copy + "/CUB_200_2011"
        try FileManager.default.moveItem(atPath: copy + "/segmentations", toPath: root + "/segmentations")
        let dataset = try CUBDataset(root: root)
        #expect(dataset.segmentationsRoot == root + "/segmentations")
        #expect(try dataset.sample(at: 0).segmentation?.load().width == 16)
    }

    @Test func missingIndexFilesAndImagesAreTypedErrors() throws {
        let root = try CUBWSOLFixtures.temporaryCopy(of: "cub") + "/CUB_200_2011"
        try FileManager.default.removeItem(atPath: root + "/images/" + Self.firstImage)
        let dataset = try CUBDataset(root: root)
        #expect(throws: DatasetError.missingFile(path: root + "/images/" + Self.firstImage)) {
            try dataset.sample(at: 0)
        }
        #expect(try dataset.sample(at: 1).labels == [0])

        try FileManager.default.removeItem(atPath: root + "/bounding_boxes.txt")
        #expect(throws: DatasetError.missingFile(path: root + "/bounding_boxes.txt")) { try CUBDataset(root: root) }
        #expect(throws: DatasetError.missingFile(path: "/nonexistent/CUB_200_2011")) {
            try CUBDataset(root: "/nonexistent/CUB_200_2011")
        }
    }

    @Test func boxAndClassProblemsStayWithTheirSample() throws {
        let root = try CUBWSOLFixtures.temporaryCopy(of: "cub") + "/CUB_200_2011"
        try CUBWSOLFixtures.write(
            "1 60.0 27.0 325.0 304.0\n3 14.0 112.0 -1.0 186.0\n", to: root + "/bounding_boxes.txt")
        try CUBWSOLFixtures.write("1 1\n2 1\n3 1\n61 7\n", to: root + "/image_class_labels.txt")
        let dataset = try CUBDataset(root: root)
        #expect(try dataset.sample(at: 0).objects.count == 1)
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: root + "/bounding_boxes.txt", reason: "line 2: negative box value in '3 14.0 112.0 -1.0 186.0'")
        ) { try dataset.sample(at: 1) }
        #expect(throws: DatasetError.unknownClass(path: root + "/image_class_labels.txt", name: "class id 7 (line 4)"))
        {
            try dataset.sample(at: 2)
        }
        try CUBWSOLFixtures.write("1 1\n2 1\n3 1\n", to: root + "/image_class_labels.txt")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: root + "/image_class_labels.txt", reason: "no class for image 61")
        ) { try CUBDataset(root: root).sample(at: 2) }
        try CUBWSOLFixtures.write("1 1\n2 1\n", to: root + "/bounding_boxes.txt")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: root + "/bounding_boxes.txt",
                reason: "line 1: expected '<image_id> <x> <y> <width> <height>', found 2 fields")
        ) {
            try CUBDataset(root: root)
        }
    }

    @Test func layoutErrorsNameTheFileAndLine() throws {
        let root = try CUBWSOLFixtures.temporaryCopy(of: "cub") + "/CUB_200_2011"
        try CUBWSOLFixtures.write("1 001.A\n3 003.C\n", to: root + "/classes.txt")
        #expect(throws: DatasetError.invalidLayout(path: root + "/classes.txt", reason: "class ids are not 1...2")) {
            try CUBDataset(root: root)
        }
        try CUBWSOLFixtures.write("1 001.A\n2 002.B\n3 003.C\n", to: root + "/classes.txt")
        try CUBWSOLFixtures.write("1 0\n2 1\n3 2\n61 0\n", to: root + "/train_test_split.txt")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: root + "/train_test_split.txt", reason: "line 3: is_training_image must be 0 or 1, not 2")
        ) {
            try CUBDataset(root: root)
        }
        #expect(try CUBDataset(root: root, options: .init(split: .all)).count == 4)
        try CUBWSOLFixtures.write("1 a.jpg\none b.jpg\n", to: root + "/images.txt")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: root + "/images.txt", reason: "line 2: image id 'one' is not an integer")
        ) {
            try CUBDataset(root: root)
        }
    }

    @Test func headerProbeAgreesWithTheDecoderAndRejectsTruncations() throws {
        let paths = [
            try CUBWSOLFixtures.path("cub/CUB_200_2011/images/" + Self.firstImage),
            try CUBWSOLFixtures.path("folder/images/dog2.PNG"),
        ]
        var generator = SplitMix64(seed: 7)
        for path in paths {
            let data = try #require(FileManager.default.contents(atPath: path))
            let decoded = try ImageDecoder.decodeRGB(data, path: path)
            let size = try ImageHeaderProbe.size(of: data, path: path)
            #expect(size.width == decoded.width && size.height == decoded.height)
            for cut in 0..<min(data.count, 700) {
                do {
                    _ = try ImageHeaderProbe.size(of: data.prefix(cut), path: path)
                } catch is DatasetError {
                    continue
                }
            }
            for _ in 0..<200 {
                var flipped = data
                flipped[Int(generator.next() % UInt64(data.count))] = UInt8(truncatingIfNeeded: generator.next())
                _ = try? ImageHeaderProbe.size(of: flipped, path: path)
            }
        }
        #expect(throws: DatasetError.missingFile(path: "/nonexistent.jpg")) {
            try ImageHeaderProbe.size(ofImageAt: "/nonexistent.jpg")
        }
        #expect(throws: DatasetError.image(.unknownFormat(path: "x"))) {
            try ImageHeaderProbe.size(of: Data("GIF89a".utf8), path: "x")
        }
    }

    /// Seeded truncations and byte flips of every index file: opening and reading never crash, and every
    /// failure is a typed error.
    @Test func fuzzedIndexFilesGiveTypedErrors() throws {
        let root = try CUBWSOLFixtures.temporaryCopy(of: "cub") + "/CUB_200_2011"
        let files = [
            "images.txt", "classes.txt", "image_class_labels.txt", "train_test_split.txt", "bounding_boxes.txt",
        ]
        var originals: [String: Data] = [:]
        for file in files { originals[file] = FileManager.default.contents(atPath: root + "/" + file) }
        var generator = SplitMix64(seed: 200)
        for round in 0..<150 {
            let file = files[round % files.count]
            var data = try #require(originals[file])
            if round.isMultiple(of: 2) {
                data = data.prefix(Int(generator.next() % UInt64(data.count + 1)))
            } else {
                for _ in 0..<3 where !data.isEmpty {
                    data[Int(generator.next() % UInt64(data.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            try data.write(to: URL(fileURLWithPath: root + "/" + file))
            exerciseCUB(root: root)
            try originals[file]?.write(to: URL(fileURLWithPath: root + "/" + file))
        }
    }

    private func exerciseCUB(root: String) {
        do {
            let dataset = try CUBDataset(root: root, options: .init(split: .all))
            for index in 0..<dataset.count {
                do {
                    let sample = try dataset.sample(at: index)
                    _ = try sample.segmentation?.load()
                } catch is DatasetError {
                    continue
                }
            }
        } catch is DatasetError {
            return
        } catch {
            Issue.record("untyped error \(error)")
        }
    }
}

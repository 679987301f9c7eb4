import Foundation
import Imaging
import SeededRandom
import TestSupport
import Testing

@testable import Datasets

/// The plain-folder adapter on `Fixtures/folder` (written by tools/make_cub_fixtures.py).
struct FolderDatasetTests {
    private func open(_ options: FolderDataset.Options = .init()) throws -> FolderDataset {
        try FolderDataset(root: try CUBWSOLFixtures.path("folder"), options: options)
    }

    @Test func samplesAreSortedByStemWithOrphansAndIgnoredFilesListed() throws {
        let dataset = try open()
        #expect(dataset.name == "folder" && dataset.split == "all")
        #expect(dataset.count == 3)
        #expect((0..<3).map(dataset.sampleID(at:)) == ["bird3", "cat1", "dog2"])
        #expect(dataset.classNames == ["bird", "cat", "dog"])
        #expect(dataset.orphanMasks == ["masks/ghost.png"])
        #expect(dataset.ignoredFiles == ["images/notes.txt"])
        #expect(dataset.unmatchedAnnotationStems.isEmpty)
    }

    @Test func imageWithoutMaskHasNoSegmentation() throws {
        let bird = try open().sample(at: 0)
        #expect(bird.segmentation == nil)
        #expect(bird.labels == [0])
        #expect(bird.objects.isEmpty)
        #expect(bird.imagePath?.hasSuffix("folder/images/bird3.jpeg") == true)
        #expect(try bird.loadImage().height == 12)
    }

    @Test func binaryMaskAndBox() throws {
        let expected = try CUBWSOLFixtures.expected("folder/expected.json")
        let cat = try open().sample(at: 1)
        #expect(cat.labels == [1])
        #expect(
            cat.objects == [
                AnnotatedObject(
                    classIndex: 1, box: BoundingBox(xMin: 2, yMin: 3, xMax: 9, yMax: 8, convention: .zeroBasedInclusive)
                )
            ])
        let mask = try #require(try cat.segmentation?.load())
        // A 0/255 mask: 255 is foreground under the automatic void rule.
        #expect(mask.values.values == (try CUBWSOLFixtures.bytes(expected["cat1"])))
        #expect(mask.ignoredPixelCount == 0)
        #expect(mask.foreground(classIndex: 1).filter { $0 }.count == 48)
    }

    @Test func paletteMaskWithVoidBorderAndBoxWithoutClass() throws {
        let expected = try CUBWSOLFixtures.expected("folder/expected.json")
        let dog = try open().sample(at: 2)
        #expect(dog.imagePath?.hasSuffix("images/dog2.PNG") == true)
        #expect(dog.labels == [2])
        #expect(
            dog.objects.map(\.box) == [
                BoundingBox(xMin: 0, yMin: 0, xMax: 15, yMax: 11, convention: .zeroBasedInclusive),
                BoundingBox(xMin: 4.5, yMin: 4, xMax: 6, yMax: 6.5, convention: .zeroBasedInclusive),
            ])
        #expect(dog.objects.allSatisfy { $0.classIndex == 2 })
        let mask = try #require(try dog.segmentation?.load())
        #expect(mask.values.values == (try CUBWSOLFixtures.bytes(expected["dog2"])))
        #expect(mask.ignoredPixelCount == 20)
        #expect(mask.foreground(classIndex: 2).filter { $0 }.count == 32)
        let noVoid = try #require(try open(.init(voidRule: .none)).sample(at: 2).segmentation?.load())
        #expect(noVoid.ignoredPixelCount == 0)
        #expect(noVoid.foreground(classIndex: 2).filter { $0 }.count == 52)
        let catAsVoid = try #require(try open(.init(voidRule: .level(255))).sample(at: 1).segmentation?.load())
        #expect(catAsVoid.ignoredPixelCount == 48)
    }

    @Test func classesFileDefinesTheOrder() throws {
        let root = try CUBWSOLFixtures.temporaryCopy(of: "folder")
        try CUBWSOLFixtures.write("dog\ncat\nbird\nfish\n", to: root + "/classes.txt")
        let dataset = try FolderDataset(root: root)
        #expect(dataset.classNames == ["dog", "cat", "bird", "fish"])
        #expect(try dataset.sample(at: 2).labels == [0])
        try CUBWSOLFixtures.write("dog\ncat\n", to: root + "/classes.txt")
        #expect(throws: DatasetError.unknownClass(path: root + "/labels.csv:4", name: "bird")) {
            try FolderDataset(root: root).sample(at: 0)
        }
        try CUBWSOLFixtures.write("dog\ndog\n", to: root + "/classes.txt")
        #expect(
            throws: DatasetError.invalidLayout(path: root + "/classes.txt", reason: "line 2: class 'dog' appears twice")
        ) {
            try FolderDataset(root: root)
        }
    }

    @Test func annotationErrorsAreTyped() throws {
        let root = try CUBWSOLFixtures.temporaryCopy(of: "folder")
        try CUBWSOLFixtures.write(
            #"{"cat1": [[2, 3, 16, 8, "cat"]], "ghost": [[0, 0, 1, 1, "cat"]]}"#, to: root + "/boxes.json")
        let dataset = try FolderDataset(root: root)
        #expect(dataset.unmatchedAnnotationStems == ["ghost"])
        #expect(
            throws: DatasetError.boxOutsideImage(
                path: root + "/boxes.json", box: "[2, 3, 16, 8] (0-based-inclusive)", width: 16, height: 12)
        ) { try dataset.sample(at: 1) }
        try CUBWSOLFixtures.write(#"{"cat1": [[2, 3, 9]]}"#, to: root + "/boxes.json")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: root + "/boxes.json", reason: "box 0 of 'cat1' has 3 elements, expected 4 or 5")
        ) { try FolderDataset(root: root) }
        try CUBWSOLFixtures.write(#"{"cat1": [[2, 3, 9, "cat", 8]]}"#, to: root + "/boxes.json")
        #expect(throws: DatasetError.self) { try FolderDataset(root: root) }
        try CUBWSOLFixtures.write(#"{"cat1": [[2, 3, 9, 8"#, to: root + "/boxes.json")
        #expect(throws: DatasetError.self) { try FolderDataset(root: root) }
        try FileManager.default.removeItem(atPath: root + "/boxes.json")
        try CUBWSOLFixtures.write("stem,class\ncat1,cat\n", to: root + "/labels.csv")
        #expect(
            throws: DatasetError.invalidLayout(
                path: root + "/labels.csv", reason: "line 1: the header must be 'id,label', found 'stem,class'")
        ) { try FolderDataset(root: root) }
        try CUBWSOLFixtures.write("id,label\ncat1,cat,extra\n", to: root + "/labels.csv")
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: root + "/labels.csv", reason: "line 2: expected 2 fields, found 3")
        ) { try FolderDataset(root: root) }
    }

    @Test func layoutErrorsAreTyped() throws {
        let root = try CUBWSOLFixtures.temporaryCopy(of: "folder")
        try FileManager.default.copyItem(atPath: root + "/images/cat1.jpg", toPath: root + "/images/cat1.png")
        #expect(
            throws: DatasetError.invalidLayout(
                path: root + "/images/cat1.png", reason: "stem 'cat1' is also used by images/cat1.jpg")
        ) { try FolderDataset(root: root) }
        try FileManager.default.removeItem(atPath: root + "/images/cat1.png")
        // A mask of the wrong size.
        try PNGCodec.encode(GrayImage(width: 4, height: 4, fill: 255)).write(
            to: URL(fileURLWithPath: root + "/masks/cat1.png"))
        #expect(
            throws: DatasetError.maskSizeMismatch(
                maskPath: root + "/masks/cat1.png", maskWidth: 4, maskHeight: 4,
                imagePath: try FolderDataset(root: root).sample(at: 1).imagePath ?? "", imageWidth: 16,
                imageHeight: 12)
        ) {
            try FolderDataset(root: root).sample(at: 1).segmentation?.load()
        }
        try FileManager.default.removeItem(atPath: root + "/images")
        #expect(throws: DatasetError.missingFile(path: root + "/images")) { try FolderDataset(root: root) }
    }

    /// Seeded truncations and byte flips of labels.csv, boxes.json and a mask never crash and give typed errors.
    @Test func fuzzedAnnotationsGiveTypedErrors() throws {
        let root = try CUBWSOLFixtures.temporaryCopy(of: "folder")
        var generator = SplitMix64(seed: 42)
        let files = ["labels.csv", "boxes.json", "masks/dog2.png"]
        for round in 0..<120 {
            let path = root + "/" + files[round % files.count]
            let original = try #require(FileManager.default.contents(atPath: path))
            let data = generator.damaged(original, round: round, flips: 3)
            try data.write(to: URL(fileURLWithPath: path))
            do {
                let dataset = try FolderDataset(root: root)
                for index in 0..<dataset.count {
                    do {
                        _ = try dataset.sample(at: index).segmentation?.load()
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

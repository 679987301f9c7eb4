import Foundation
import Imaging
import Testing

@testable import Datasets

/// `ImageNetSegmentationDataset` against arrays decoded by Chefer's h5py loader (`expected.json`), plus the
/// layout and per-sample error cases.
struct ImageNetSegmentationDatasetTests {
    typealias Fixture = ImageNetSegmentationFixture

    @Test func opensTheDirectoryOrTheFile() throws {
        let expected = try Fixture.expected()
        for root in [try Fixture.directory().path, try Fixture.path("gtsegs_ijcv.mat")] {
            let dataset = try ImageNetSegmentationDataset(root: root)
            #expect(dataset.count == expected.count)
            #expect(dataset.count == 3)
            #expect(dataset.name == "imagenet-seg")
            #expect(dataset.split == "test")
            #expect(dataset.classNames.isEmpty)
            #expect(dataset.filePath.hasSuffix("/gtsegs_ijcv.mat"))
        }
    }

    @Test func sampleIDsAreZeroPaddedIndices() throws {
        let dataset = try ImageNetSegmentationDataset(root: try Fixture.directory().path)
        #expect(
            (0..<dataset.count).map(dataset.sampleID(at:))
                == ["imagenet-seg-00000", "imagenet-seg-00001", "imagenet-seg-00002"])
        #expect(dataset.sampleID(at: 4275) == "imagenet-seg-04275")
        #expect(dataset.sampleID(at: 123_456) == "imagenet-seg-123456")
    }

    @Test(arguments: 0..<3)
    func imageAndMaskEqualCheferLoader(index: Int) throws {
        let expected = try Fixture.expected().samples[index]
        let dataset = try ImageNetSegmentationDataset(root: try Fixture.directory().path)
        let sample = try dataset.sample(at: index)
        #expect(sample.id == dataset.sampleID(at: index))
        #expect(sample.imagePath == nil)
        #expect(sample.labels.isEmpty)
        #expect(sample.objects.isEmpty)
        #expect(sample.declaredSize?.width == expected.width)
        #expect(sample.declaredSize?.height == expected.height)

        let image = try sample.loadImage()
        #expect(image.width == expected.width)
        #expect(image.height == expected.height)
        #expect(image.pixels == expected.image)

        let mask = try #require(try sample.segmentation?.load())
        #expect(mask.width == expected.width)
        #expect(mask.height == expected.height)
        #expect(mask.values.values == expected.mask)
        #expect(mask.encoding == .foreground)
        #expect(mask.ignoredPixelCount == 0)
        #expect(mask.foreground(classIndex: 0) == expected.mask.map { $0 != 0 })
    }

    @Test func streamingYieldsEverySample() throws {
        let dataset = try ImageNetSegmentationDataset(root: try Fixture.directory().path)
        let results = Array(dataset.samples())
        #expect(results.count == 3)
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } })
    }

    @Test func samplesStayLoadableAfterTheDatasetIsGone() throws {
        let expected = try Fixture.expected()
        var sample: Sample?
        do {
            let dataset = try ImageNetSegmentationDataset(root: try Fixture.directory().path)
            sample = try dataset.sample(at: 1)
        }
        let image = try #require(sample).loadImage()
        #expect(image.pixels == expected.samples[1].image)
    }

    @Test func concurrentLoadsGiveTheSameArrays() throws {
        let expected = try Fixture.expected()
        let dataset = try ImageNetSegmentationDataset(root: try Fixture.directory().path)
        let mismatches = LockedCount()
        DispatchQueue.concurrentPerform(iterations: 240) { iteration in
            let index = iteration % 3
            do {
                let sample = try dataset.sample(at: index)
                let image = try sample.loadImage()
                let mask = try sample.segmentation?.load()
                let want = expected.samples[index]
                if image.pixels != want.image || mask?.values.values != want.mask { mismatches.increment() }
            } catch {
                mismatches.increment()
            }
        }
        #expect(mismatches.value == 0)
    }

    @Test func indexOutsideTheFileIsATypedError() throws {
        let dataset = try ImageNetSegmentationDataset(root: try Fixture.directory().path)
        for index in [-1, 3, 1_000_000] {
            #expect(throws: DatasetError.self) { try dataset.sample(at: index) }
        }
    }

    // MARK: - Layout errors

    @Test func missingRootOrFileIsMissingFile() throws {
        #expect(throws: DatasetError.missingFile(path: "/nonexistent/imagenet-seg")) {
            try ImageNetSegmentationDataset(root: "/nonexistent/imagenet-seg")
        }
        let empty = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let expectedPath = empty.appendingPathComponent("gtsegs_ijcv.mat").path
        #expect(throws: DatasetError.missingFile(path: expectedPath)) {
            try ImageNetSegmentationDataset(root: empty.path)
        }
    }

    @Test func nonHDF5FileIsInvalidLayout() throws {
        let folder = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("gtsegs_ijcv.mat")
        try Data("MATLAB 5.0 MAT-file, not HDF5\n".utf8).write(to: file)
        do {
            _ = try ImageNetSegmentationDataset(root: folder.path)
            Issue.record("a text file opened as a dataset")
        } catch {
            guard case .invalidLayout(let path, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == file.path)
            #expect(reason.contains("file signature not found"))
        }
    }

    @Test func fileWithoutValueImgIsInvalidLayout() throws {
        let path = try Fixture.path("no-value-img.mat")
        do {
            _ = try ImageNetSegmentationDataset(root: path)
            Issue.record("a file without /value/img opened")
        } catch {
            guard case .invalidLayout(let errorPath, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(errorPath == path)
            #expect(reason.contains("/value/img"))
        }
    }

    // MARK: - Per-sample errors (broken.mat)

    @Test func brokenSamplesGiveTypedErrors() throws {
        let path = try Fixture.path("broken.mat")
        let dataset = try ImageNetSegmentationDataset(root: path)
        #expect(dataset.count == 5)
        func error(at index: Int) -> DatasetError? {
            do {
                _ = try dataset.sample(at: index)
                return nil
            } catch {
                return error
            }
        }
        // 0: a 6x5 image with a 5x6 mask.
        #expect(error(at: 0) == .sizeMismatch(path: path, expected: "6x5", found: "mask 5x6"))
        // 1: a float64 image.
        guard case .image(.corrupt(_, let reason1)) = error(at: 1) else {
            Issue.record("sample 1: \(String(describing: error(at: 1)))")
            return
        }
        #expect(reason1.contains("expected uint8 data"))
        // 2: a 2-D image, which Chefer's transpose((2, 1, 0)) cannot take either.
        guard case .image(.unsupported(_, let reason2)) = error(at: 2) else {
            Issue.record("sample 2: \(String(describing: error(at: 2)))")
            return
        }
        #expect(reason2.contains("[4, 4]"))
        // 3: the gt reference skips the cell level.
        guard case .malformedAnnotation(_, let reason3) = error(at: 3) else {
            Issue.record("sample 3: \(String(describing: error(at: 3)))")
            return
        }
        #expect(reason3.contains("object references"))
        // 4: the image reference points to a group.
        guard case .image(.corrupt(_, let reason4)) = error(at: 4) else {
            Issue.record("sample 4: \(String(describing: error(at: 4)))")
            return
        }
        #expect(reason4.contains("not a dataset"))
        // Streaming records every failure and keeps going.
        let failures = dataset.samples().compactMap { if case .failure(let failure) = $0 { failure } else { nil } }
        #expect(failures.map(\.sampleID) == (0..<5).map(dataset.sampleID(at:)))
    }

    // MARK: - The HDF5 wrapper

    @Test func wrapperReportsVersionShapesAndMissingObjects() throws {
        #expect(HDF5File.libraryVersion >= 11_000)
        let file = try HDF5File(path: try Fixture.path("gtsegs_ijcv.mat"))
        let shape = try file.referenceTableShape("/value/img")
        #expect(shape.rows == 3 && shape.columns == 1)
        #expect(try file.referencedShape(table: "/value/img", row: 0) == [3, 20, 14])
        #expect(try file.referencedShape(table: "/value/gt", row: 2, extraHops: 1) == [16, 16])
        #expect(throws: HDF5Error.self) { try file.referenceTableShape("/value/missing") }
        do {
            _ = try file.referenceTableShape("/nothing/here")
            Issue.record("a missing group was found")
        } catch {
            #expect(error == .missingObject(message: "no object '/nothing'"))
        }
        // Element [0, 0] of img is a uint8 array, not a cell, so one extra hop is refused.
        #expect(throws: HDF5Error.self) { try file.readReferenced(table: "/value/img", row: 0, extraHops: 1) }
    }
}

/// A counter that several threads may increment.
private final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }

    var value: Int { lock.withLock { count } }
}

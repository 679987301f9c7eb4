import Foundation
import Testing

@testable import Datasets

/// The ImageNet fixture layouts written by `tools/make_voc_fixtures.py`.
private func imageNetFixture(_ relative: String) throws -> String {
    guard let base = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/imagenet").path else {
        throw ImageNetFixtureMissing()
    }
    return base + "/" + relative
}

private struct ImageNetFixtureMissing: Error {}

private func ids(_ dataset: ImageNetValDataset) -> [String] { (0..<dataset.count).map(dataset.sampleID(at:)) }

private func failures(of dataset: ImageNetValDataset) -> [String: DatasetError] {
    var failures: [String: DatasetError] = [:]
    for case .failure(let failure) in dataset.samples() { failures[failure.sampleID] = failure.error }
    return failures
}

private func sample(_ id: String, in dataset: ImageNetValDataset) throws -> Sample {
    try dataset.sample(at: try #require((0..<dataset.count).first { dataset.sampleID(at: $0) == id }))
}

/// A scratch folder holding a flat `val/` with one image and the given root files.
private func scratchLayout(files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("imagenet-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root + "/val", withIntermediateDirectories: true)
    let jpeg = try imageNetFixture("flat/val/ILSVRC2012_val_00000002.JPEG")
    try FileManager.default.copyItem(atPath: jpeg, toPath: root + "/val/ILSVRC2012_val_00000002.JPEG")
    for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + name)) }
    return root
}

private let imageOneBox = BoundingBox(xMin: 111, yMin: 108, xMax: 441, yMax: 193, convention: .zeroBasedInclusive)

@Suite struct ImageNetValDatasetTests {
    @Test func kaggleLayoutPrefersPerImageXML() throws {
        let root = try imageNetFixture("kaggle")
        let dataset = try ImageNetValDataset(root: root)
        #expect(dataset.layout.imagesDirectory == root + "/ILSVRC/Data/CLS-LOC/val")
        #expect(dataset.layout.imageArrangement == .flat)
        #expect(dataset.layout.annotationSource == .xml)
        #expect(dataset.layout.annotationsPath == root + "/ILSVRC/Annotations/CLS-LOC/val")
        #expect(dataset.layout.synsetMappingPath == root + "/LOC_synset_mapping.txt")
        #expect(dataset.name == "imagenet" && dataset.split == "val")
        #expect(dataset.classNames == ["n01440764", "n01443537", "n01484850", "n01491361", "n01751748", "n02119789"])
        #expect(dataset.classDescriptions[4] == "sea snake")
        #expect(dataset.classDescriptions[0] == "tench, Tinca tinca")
        #expect(
            ids(dataset) == [
                "ILSVRC2012_val_00000001", "ILSVRC2012_val_00000002", "ILSVRC2012_val_00000003",
                "ILSVRC2012_val_00000005", "ILSVRC2012_val_00000006", "ILSVRC2012_val_00008726",
            ])
    }

    @Test func imageOneHasTheRealBox() throws {
        let dataset = try ImageNetValDataset(root: try imageNetFixture("kaggle"))
        let first = try dataset.sample(at: 0)
        #expect(first.id == "ILSVRC2012_val_00000001")
        #expect(first.labels == [4])
        #expect(dataset.classIndex(ofWnid: "n01751748") == 4)
        #expect(first.objects == [AnnotatedObject(classIndex: 4, box: imageOneBox)])
        #expect(first.declaredSize?.width == 500 && first.declaredSize?.height == 375)
        #expect(first.segmentation == nil && first.instances == nil)
        let image = try first.loadImage()
        #expect(image.width == 500 && image.height == 375)
        let twoBoxes = try sample("ILSVRC2012_val_00008726", in: dataset)
        #expect(twoBoxes.labels == [5])
        #expect(twoBoxes.objects.compactMap(\.box).map(\.xMax) == [20, 30])
    }

    @Test func xmlErrorsNameTheFile() throws {
        let root = try imageNetFixture("kaggle")
        let annotations = root + "/ILSVRC/Annotations/CLS-LOC/val/"
        let failed = failures(of: try ImageNetValDataset(root: root))
        let failedIDs = ["ILSVRC2012_val_00000003", "ILSVRC2012_val_00000005", "ILSVRC2012_val_00000006"]
        #expect(failed.keys.sorted() == failedIDs)
        #expect(
            failed["ILSVRC2012_val_00000003"]
                == .unknownClass(path: annotations + "ILSVRC2012_val_00000003.xml", name: "n09999999"))
        #expect(
            failed["ILSVRC2012_val_00000005"]
                == .boxOutsideImage(
                    path: annotations + "ILSVRC2012_val_00000005.xml", box: "[0, 0, 32, 23] (0-based-inclusive)",
                    width: 32, height: 24))
        // Cut off inside <name>: FoundationXML's parse() returns true here; the error it recorded gives it away.
        #expect(
            failed["ILSVRC2012_val_00000006"]
                == .malformedAnnotation(
                    path: annotations + "ILSVRC2012_val_00000006.xml",
                    reason: "not well-formed XML: premature end or extra content, libxml2 error 5 (line 7)"))
    }

    @Test func boxBeyondTheSizeCanBeKeptAndIsClampedInPixelBounds() throws {
        let options = ImageNetValDataset.Options(rejectBoxesOutsideImage: false)
        let dataset = try ImageNetValDataset(root: try imageNetFixture("kaggle"), options: options)
        let box = try #require(try sample("ILSVRC2012_val_00000005", in: dataset).objects.first?.box)
        #expect(box.xMax == 32)
        #expect(try #require(box.pixelBounds(width: 32, height: 24)) == (0, 0, 31, 23))
    }

    @Test func csvGivesTheSameBoxesSortedById() throws {
        let root = try imageNetFixture("kaggle")
        let fromCSV = try ImageNetValDataset(root: root, options: .init(annotationSource: .csv))
        let fromXML = try ImageNetValDataset(root: root)
        #expect(fromCSV.layout.annotationSource == .csv)
        #expect(fromCSV.layout.annotationsPath == root + "/LOC_val_solution.csv")
        #expect(
            ids(fromCSV) == [
                "ILSVRC2012_val_00000001", "ILSVRC2012_val_00000002", "ILSVRC2012_val_00000003",
                "ILSVRC2012_val_00000004", "ILSVRC2012_val_00008726",
            ])
        #expect(try fromCSV.sample(at: 0).objects == [AnnotatedObject(classIndex: 4, box: imageOneBox)])
        #expect(try fromCSV.sample(at: 0).declaredSize == nil)
        for id in ["ILSVRC2012_val_00000001", "ILSVRC2012_val_00000002", "ILSVRC2012_val_00008726"] {
            #expect(try sample(id, in: fromCSV).objects == (try sample(id, in: fromXML).objects), "\(id)")
            #expect(try sample(id, in: fromCSV).labels == (try sample(id, in: fromXML).labels), "\(id)")
        }
        let failed = failures(of: fromCSV)
        let csv = root + "/LOC_val_solution.csv"
        #expect(failed["ILSVRC2012_val_00000003"] == .unknownClass(path: csv, name: "n09999999"))
        #expect(
            failed["ILSVRC2012_val_00000004"]
                == .malformedAnnotation(path: csv, reason: "line 6: 4 tokens, expected groups of 5 (wnid x0 y0 x1 y1)"))
        #expect(failed.count == 2)
    }

    @Test func flatFolderWithTheBoxTarballUnpackedOverIt() throws {
        let root = try imageNetFixture("flat")
        let dataset = try ImageNetValDataset(root: root)
        #expect(dataset.layout.annotationSource == .xml)
        #expect(dataset.layout.annotationsPath == root + "/val")
        #expect(dataset.layout.imagesDirectory == root + "/val")
        #expect(dataset.count == 3)
        let first = try dataset.sample(at: 0)
        #expect(first.imagePath == root + "/val/ILSVRC2012_val_00000001.JPEG")
        #expect(first.objects == [AnnotatedObject(classIndex: 4, box: imageOneBox)])
        #expect(failures(of: dataset).isEmpty)
    }

    @Test func wnidFoldersGiveClassesWithoutBoxes() throws {
        let root = try imageNetFixture("folders")
        let dataset = try ImageNetValDataset(root: root)
        #expect(dataset.layout.imageArrangement == .wnidFolders)
        #expect(dataset.layout.annotationSource == .folders)
        #expect(dataset.layout.synsetMappingPath == nil)
        #expect(dataset.classNames == ["n01440764", "n01751748", "n02119789"])
        let first = try dataset.sample(at: 0)
        #expect(first.id == "ILSVRC2012_val_00000001")
        #expect(first.labels == [1] && first.objects.isEmpty)
        #expect(first.imagePath == root + "/val/n01751748/ILSVRC2012_val_00000001.JPEG")
        #expect(try dataset.sample(at: 2).labels == [2])
    }

    @Test func layoutErrors() throws {
        let missing = try imageNetFixture("nowhere")
        #expect(throws: DatasetError.missingFile(path: missing)) { try ImageNetValDataset(root: missing) }
        let folders = try imageNetFixture("folders")
        #expect {
            try ImageNetValDataset(root: folders, options: .init(annotationSource: .xml))
        } throws: { error in
            guard case .invalidLayout(let path, let reason) = error as? DatasetError else { return false }
            return path == folders && reason.contains("no per-image XML")
        }
        let noMapping = try scratchLayout(files: ["LOC_val_solution.csv": "ImageId,PredictionString\n"])
        defer { try? FileManager.default.removeItem(atPath: noMapping) }
        #expect {
            try ImageNetValDataset(root: noMapping)
        } throws: { error in
            guard case .invalidLayout(_, let reason) = error as? DatasetError else { return false }
            return reason.contains("LOC_synset_mapping.txt")
        }
    }

    @Test func badCSVHeaderAndRepeatedRows() throws {
        let mapping = "n01440764 tench, Tinca tinca\nn01443537 goldfish, Carassius auratus\n"
        let badHeader = try scratchLayout(files: [
            "LOC_synset_mapping.txt": mapping,
            "LOC_val_solution.csv": "Id,Boxes\nILSVRC2012_val_00000002,n01440764 0 0 1 1\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: badHeader) }
        #expect {
            try ImageNetValDataset(root: badHeader)
        } throws: { error in
            guard case .malformedAnnotation(let path, let reason) = error as? DatasetError else { return false }
            return path == badHeader + "/LOC_val_solution.csv"
                && reason.contains("expected 'ImageId,PredictionString'")
        }
        let repeated = try scratchLayout(files: [
            "LOC_synset_mapping.txt": mapping,
            "LOC_val_solution.csv": "ImageId,PredictionString\r\nILSVRC2012_val_00000002,n01440764 0 0 1 1 \r\n"
                + "ILSVRC2012_val_00000002,n01443537 0 0 2 2 \r\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: repeated) }
        let dataset = try ImageNetValDataset(root: repeated)
        #expect(dataset.count == 1)
        #expect(
            failures(of: dataset)["ILSVRC2012_val_00000002"]
                == .malformedAnnotation(
                    path: repeated + "/LOC_val_solution.csv",
                    reason: "line 3: ImageId ILSVRC2012_val_00000002 already on line 2"))
    }

    @Test func repeatedWnidInTheMappingIsMalformed() throws {
        let root = try scratchLayout(files: [
            "LOC_synset_mapping.txt": "n01440764 tench\nn01440764 tench again\n",
            "LOC_val_solution.csv": "ImageId,PredictionString\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(
            throws: DatasetError.malformedAnnotation(
                path: root + "/LOC_synset_mapping.txt", reason: "line 2: wnid n01440764 already on line 1")
        ) { try ImageNetValDataset(root: root) }
    }

    @Test func describesItself() {
        #expect(!ImageNetValDataset.summary.isEmpty && !ImageNetValDataset.reads.isEmpty)
        #expect(ImageNetValDataset.isWnid("n01751748") && !ImageNetValDataset.isWnid("n0175174x"))
    }
}

import Foundation
import Testing

@testable import Datasets

/// `bench inspect`'s checks on the hand-made VOC tree, whose invalid samples are known one by one.
struct DatasetInspectionTests {
    static func vocRoot() throws -> String {
        try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/voc").path)
    }

    @Test func listsEveryInvalidSampleOfTheMainList() throws {
        let dataset = try VOCDataset(root: Self.vocRoot(), options: .init(split: "val", imageSet: .main))
        let report = DatasetInspection(of: dataset, decode: true)
        #expect(report.sampleCount == 10)
        #expect(report.validCount == 5)
        let kinds = report.failures.map { "\($0.sampleID) \($0.error.kind)" }
        #expect(
            kinds == [
                "2012_000001 malformed-annotation", "2012_000002 missing-file", "2012_000003 unknown-class",
                "2012_000004 box-outside-image", "2012_000006 missing-file",
            ])
        #expect(report.failures[1].error.path.hasSuffix("JPEGImages/2012_000002.jpg"))
        #expect(report.failures[4].error.path.hasSuffix("Annotations/2012_000006.xml"))
        // 2007_000032: aeroplane x2 + person; 2008_000123: dog + difficult cat; 2011_003353: person;
        // 2012_000007: difficult cat; 2012_000008: dog x2.
        #expect(report.objectCount == 9)
        #expect(report.difficultCount == 2)
        #expect(report.multiClassCount == 2)
        #expect(report.segmentedCount == 3)
        #expect(report.imagesPerClass == [0: 1, 7: 2, 11: 2, 14: 2])
    }

    @Test func limitChecksOnlyThePrefix() throws {
        let dataset = try VOCDataset(root: Self.vocRoot(), options: .init(split: "val", imageSet: .main))
        let report = DatasetInspection(of: dataset, limit: 6)
        #expect(report.sampleCount == 6)
        #expect(report.failures.map(\.sampleID) == ["2012_000001", "2012_000002", "2012_000003"])
    }

    @Test func segmentationSplitIsValidWhenDecoded() throws {
        let dataset = try VOCDataset(root: Self.vocRoot())
        let report = DatasetInspection(of: dataset, decode: true)
        #expect(report.failures.isEmpty)
        #expect(report.validCount == 3)
    }
}

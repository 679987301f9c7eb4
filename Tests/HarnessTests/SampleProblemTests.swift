import Datasets
import Evaluation
import Foundation
import Imaging
import Reports
import Testing

@testable import Harness

/// Every per-sample failure of a run becomes a row of `skipped.csv`, found on the prefetch thread by the same
/// check `bench inspect --decode` makes, and the masks it loads are the ones scored.
@Suite("Sample problems in runs", .serialized)
struct SampleProblemTests {
    /// A fresh copy of a small synthetic VOC tree (val only), so a test may damage it.
    static func freshRoot() throws -> URL {
        let root = RunFixture.folder("problems")
        try SyntheticGenerator(seed: 9, count: 5, twoClassShare: 0.3, trainFraction: 0).write(to: root.path)
        return root
    }

    @Test("a truncated mask fails prepare under a mask ground truth, not under boxes; a good mask is preloaded")
    func prepareChecksTheMaskItScores() throws {
        let root = try Self.freshRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = try RunFixture.dataset(at: root)
        let maskPath = root.appendingPathComponent("SegmentationClass/\(dataset.sampleID(at: 0)).png")
        let bytes = try Data(contentsOf: maskPath)
        try bytes.prefix(bytes.count - 20).write(to: maskPath)
        #expect(BenchmarkRun.maskSelection(for: .otsu) == .segmentation)
        let settings = RunFixture.preprocessing
        let failed = BenchmarkRun.prepare(index: 0, dataset: dataset, settings: settings, masks: .segmentation)
        guard case .failure(let problem) = failed else {
            Issue.record("a truncated mask was scored")
            return
        }
        #expect(problem.path == maskPath.path && problem.imageID == dataset.sampleID(at: 0))
        #expect(problem.reason.contains("corrupt image"))
        if case .failure(let problem) = BenchmarkRun.prepare(
            index: 0, dataset: dataset, settings: settings, masks: .none)
        {
            Issue.record("a boxes run skipped an image for a mask it does not use: \(problem.reason)")
        }
        guard
            case .success(let prepared) = BenchmarkRun.prepare(
                index: 1, dataset: dataset, settings: settings, masks: .segmentation)
        else {
            Issue.record("a good sample failed")
            return
        }
        #expect(prepared.segmentation == (try prepared.sample.segmentation?.load()))
    }

    @Test("the ground truth is built from the preloaded mask; the sample's loader is never called")
    func groundTruthUsesThePreloadedMask() throws {
        let values = GrayImage(
            width: 4, height: 4, values: [UInt8](repeating: 1, count: 8) + [UInt8](repeating: 0, count: 8))
        let mask = SegmentationMask(values: values, encoding: .classIndexPlusOne)
        let sample = Sample(
            id: "s", imagePath: nil, image: .value(RGBImage(width: 4, height: 4)), labels: [0],
            segmentation: Lazy { throw DatasetError.missingFile(path: "must not be read") })
        var evaluation = EvaluationProtocol.otsu
        evaluation.mapSize = 4
        let truth = try #require(
            try GroundTruthBuilder.groundTruth(
                for: sample, segmentation: mask, classIndex: 0, imageSize: (4, 4), evaluation: evaluation))
        #expect(truth.isSegmentation && truth.foreground.foregroundCount == 8)
        // Without a loaded mask, a segmentation-only policy has no ground truth.
        evaluation.groundTruth = .segmentation
        #expect(
            try GroundTruthBuilder.groundTruth(
                for: sample, segmentation: nil, classIndex: 0, imageSize: (4, 4), evaluation: evaluation) == nil)
    }

    @Test("a run with a mask of another size and a malformed annotation records both and scores the rest")
    func runRecordsAndGoesOn() throws {
        let root = try Self.freshRoot()
        let out = RunFixture.folder("problems-run")
        defer { for url in [root, out] { try? FileManager.default.removeItem(at: url) } }
        let dataset = try RunFixture.dataset(at: root)
        let ids = (0..<dataset.count).map { dataset.sampleID(at: $0) }
        try PNGCodec.encode(GrayImage(width: 10, height: 10)).write(
            to: root.appendingPathComponent("SegmentationClass/\(ids[1]).png"))
        try Data("<annotation><size>".utf8).write(to: root.appendingPathComponent("Annotations/\(ids[3]).xml"))
        try BenchmarkRun(setup: RunFixture.setup(dataset: dataset), directory: RunDirectory(out)).run()
        let skipped = try String(contentsOf: out.appendingPathComponent(RunDirectory.skippedName), encoding: .utf8)
        let rows = skipped.split(separator: "\n").dropFirst().compactMap { CSVLine.decode($0) }
        #expect(rows.map { $0[1] } == [ids[1], ids[3]])
        #expect(rows.first?[3].contains("mask is 10x10 but its image") == true)
        #expect(rows.last?[2].hasSuffix("Annotations/\(ids[3]).xml") == true)
        let perImage = try String(contentsOf: out.appendingPathComponent(RunDirectory.perImageName), encoding: .utf8)
        let scored = Set(
            perImage.split(separator: "\n").compactMap { CSVLine.decode($0) }.filter { $0[3] == "raw-attention" }
                .map { $0[1] })
        #expect(scored == [ids[0], ids[2], ids[4]])
    }
}

import Datasets
import Evaluation
import Explainers
import Foundation
import Reports
import Testing
import ViT

@testable import Harness

/// A small synthetic dataset written once per process, and a tiny random model over its 10 classes.
enum RunFixture {
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "harness-synthetic-\(UUID().uuidString)")
        // 16 images, 40 % in val: 6 or 7 val images, a third of them with two classes.
        if let generator = try? SyntheticGenerator(seed: 5, count: 16, twoClassShare: 0.3, trainFraction: 0.6) {
            _ = try? generator.write(to: url.path) { _, _ in }
        }
        return url
    }()

    static func dataset(at root: URL = root) throws -> VOCDataset {
        var options = VOCDataset.Options(split: "val")
        options.classNames = SyntheticGenerator.classNames
        return try VOCDataset(root: root.path, options: options)
    }

    static let model = ViTModel(
        weights: .random(
            config: ViTConfig(imageSize: 32, patchSize: 8, embedDim: 48, depth: 2, heads: 3, classes: 10), seed: 11))

    static var preprocessing: PreprocessingSettings {
        var settings = PreprocessingSettings(model: "vit_base_patch16_224")
        settings.size = 32
        settings.policy = .squash
        settings.cropPct = 1
        return settings
    }

    static func setup(
        dataset: any Dataset, indices: [Int]? = nil, evaluation: EvaluationProtocol = .otsu
    ) throws -> BenchmarkRun.Setup {
        BenchmarkRun.Setup(
            dataset: dataset, model: model, preprocessing: preprocessing,
            methods: try MethodRegistry.builtIn.methods("raw-attention"), evaluation: evaluation,
            indices: indices ?? Array(0..<dataset.count))
    }

    static func folder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("harness-\(name)-\(UUID().uuidString)")
    }
}

@Suite("Benchmark runs", .serialized)
struct BenchmarkRunTests {
    @Test("a run interrupted after some images and resumed writes the uninterrupted run's rows and tables")
    func resumeEqualsUninterrupted() throws {
        let dataset = try RunFixture.dataset()
        let whole = RunFixture.folder("whole")
        let resumed = RunFixture.folder("resumed")
        defer { for url in [whole, resumed] { try? FileManager.default.removeItem(at: url) } }
        try BenchmarkRun(setup: RunFixture.setup(dataset: dataset), directory: RunDirectory(whole)).run()

        var finished = 0
        try BenchmarkRun(setup: RunFixture.setup(dataset: dataset), directory: RunDirectory(resumed)).run(
            progress: { finished = $0.done }, shouldStop: { finished >= 3 })
        #expect(finished == 3)
        // The kill landed in the middle of the next image's block.
        let perImage = resumed.appendingPathComponent(RunDirectory.perImageName)
        let handle = try FileHandle(forWritingTo: perImage)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("3,synth_x,cat,raw-attention,iou,0.25\n3,synth_x,cat,raw-att".utf8))
        try handle.close()
        let reopened = try RunDirectory(resumed)
        #expect(reopened.completed.count == 3)
        try BenchmarkRun(setup: RunFixture.setup(dataset: dataset), directory: reopened).run()

        let expected = try String(contentsOf: whole.appendingPathComponent(RunDirectory.perImageName), encoding: .utf8)
        #expect(try String(contentsOf: perImage, encoding: .utf8) == expected)
        let wholeTables = RunTables(rows: try RunMerge.rows(of: [whole]), evaluation: .otsu)
        #expect(
            RunTables(rows: try RunMerge.rows(of: [resumed]), evaluation: .otsu).summaryCSV == wholeTables.summaryCSV)
        #expect(wholeTables.summary.contains { $0.method == "raw-attention" && $0.metric == "iou" && $0.count > 0 })
    }

    @Test("shards of a run merge into the tables of the whole run")
    func shardsMerge() throws {
        let dataset = try RunFixture.dataset()
        let whole = RunFixture.folder("merge-whole")
        let shards = [RunFixture.folder("shard0"), RunFixture.folder("shard1")]
        defer { for url in [whole] + shards { try? FileManager.default.removeItem(at: url) } }
        try BenchmarkRun(setup: RunFixture.setup(dataset: dataset), directory: RunDirectory(whole)).run()
        for (shard, folder) in shards.enumerated() {
            let indices = (0..<dataset.count).filter { $0 % 2 == shard }
            try BenchmarkRun(
                setup: RunFixture.setup(dataset: dataset, indices: indices), directory: RunDirectory(folder)
            )
            .run()
        }
        let merged = RunTables(rows: try RunMerge.rows(of: shards), evaluation: .otsu)
        let expected = RunTables(rows: try RunMerge.rows(of: [whole]), evaluation: .otsu)
        #expect(merged.summaryCSV == expected.summaryCSV)
        #expect(merged.perClassCSV == expected.perClassCSV)
    }

    @Test("a corrupt image is skipped with its file and reason while the other images are evaluated")
    func skipsBadSample() throws {
        let copy = RunFixture.folder("corrupt-dataset")
        let output = RunFixture.folder("corrupt-run")
        defer { for url in [copy, output] { try? FileManager.default.removeItem(at: url) } }
        try FileManager.default.copyItem(at: RunFixture.root, to: copy)
        let dataset = try RunFixture.dataset(at: copy)
        let victim = dataset.sampleID(at: 1)
        let jpeg = copy.appendingPathComponent("JPEGImages/\(victim).jpg")
        let bytes = try Data(contentsOf: jpeg)
        try bytes.prefix(bytes.count / 3).write(to: jpeg)

        let directory = try RunDirectory(output)
        try BenchmarkRun(setup: RunFixture.setup(dataset: dataset), directory: directory).run()
        let skipped = try String(contentsOf: output.appendingPathComponent(RunDirectory.skippedName), encoding: .utf8)
        let lines = skipped.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix("1,\(victim),") == true && lines.last?.contains(".jpg") == true)
        let tables = RunTables(rows: directory.rows, evaluation: .otsu)
        #expect(tables.imageCounts.skipped == 1 && tables.imageCounts.evaluated == dataset.count - 1)
    }

    @Test("a model whose head does not match the dataset's classes is refused before any work")
    func refusesWrongModel() throws {
        let dataset = try RunFixture.dataset()
        let output = RunFixture.folder("wrong-model")
        defer { try? FileManager.default.removeItem(at: output) }
        var setup = try RunFixture.setup(dataset: dataset)
        setup.model = ViTModel(
            weights: .random(
                config: ViTConfig(imageSize: 32, patchSize: 8, embedDim: 48, depth: 1, heads: 3, classes: 7)))
        #expect {
            _ = try BenchmarkRun(setup: setup, directory: RunDirectory(output))
        } throws: { error in
            "\(error)".contains("7 classes") && "\(error)".contains("10")
        }
    }
}

/// wsolevaluation's protocol in runs: MaxBoxAcc as per-image change rows, PxAP as per-image histograms.
@Suite("wsoleval runs", .serialized)
struct WSOLRunTests {
    /// MaxBoxAcc and PxAP straight from the library accumulators, on the maps the run computes.
    static func libraryValues(dataset: VOCDataset) throws -> (boxes: BoxAccuracyAccumulator, pixels: PixelAPAccumulator)
    {
        let evaluation = EvaluationProtocol.wsoleval
        var boxes = BoxAccuracyAccumulator(thresholdCount: 1000, iouThresholds: [30, 50, 70], extraction: .wsolAll)
        var pixels = PixelAPAccumulator(thresholdCount: 1000)
        let method = try #require(try MethodRegistry.builtIn.methods("raw-attention").first)
        let settings = RunFixture.preprocessing
        for index in 0..<dataset.count {
            guard
                case .success(let prepared) = BenchmarkRun.prepare(
                    index: index, dataset: dataset, settings: settings,
                    masks: BenchmarkRun.maskSelection(for: evaluation))
            else { continue }
            let trace = RunFixture.model.forward(prepared.input)
            // The class the run explains and scores: the protocol's label rule (largest-object) picks it.
            let logits = trace.logits.storage
            let predicted = try #require(logits.indices.max { logits[$0] < logits[$1] })
            let label = try #require(
                try evaluation.labelRule.choose(among: prepared.sample.labels, predicted: predicted) { classIndex in
                    try GroundTruthBuilder.groundTruth(
                        for: prepared.sample, segmentation: prepared.segmentation, classIndex: classIndex,
                        imageSize: prepared.imageSize, evaluation: evaluation)?.foreground.foregroundCount ?? 0
                }
            ).label
            let context = try ExplanationContext(
                model: RunFixture.model, trace: trace, targetClass: label, imageID: prepared.sample.id,
                normalization: settings.normalization)
            let map = ScoreMap(try method.explain(context).normalized(to: evaluation.mapSize))
            let truth = try #require(
                try GroundTruthBuilder.groundTruth(
                    for: prepared.sample, segmentation: prepared.segmentation, classIndex: label,
                    imageSize: prepared.imageSize, evaluation: evaluation))
            if !truth.boxes.isEmpty { boxes.add(map, boxes: truth.boxes) }
            if truth.isSegmentation { pixels.add(map, truth: truth) }
        }
        return (boxes, pixels)
    }

    @Test("MaxBoxAccV2 and PxAP of a run equal the library accumulators on the same maps")
    func runEqualsAccumulators() throws {
        let dataset = try RunFixture.dataset()
        let folder = RunFixture.folder("wsol")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = try RunDirectory(folder)
        try BenchmarkRun(setup: RunFixture.setup(dataset: dataset, evaluation: .wsoleval), directory: directory).run()
        let tables = RunTables(rows: directory.rows, evaluation: .wsoleval, histograms: directory.histograms)
        func entry(_ metric: String) throws -> RunTables.Entry {
            try #require(tables.summary.first { $0.method == "raw-attention" && $0.metric == metric })
        }
        let (boxes, pixels) = try Self.libraryValues(dataset: dataset)
        #expect(boxes.imageCount == dataset.count && pixels.imageCount == dataset.count)
        // Not a vacuous match: some images are found at IoU 30, and PxAP lies strictly between 0 and 100.
        #expect(boxes.maxBoxAccuracy().first { $0.iouThreshold == 30 }.map { $0.accuracy > 0 } == true)
        let pixelAP = try pixels.pixelAP()
        #expect(pixelAP > 0 && pixelAP < 100)
        for (iouThreshold, accuracy, _) in boxes.maxBoxAccuracy() {
            let cell = try entry("maxboxacc-iou\(iouThreshold)")
            #expect(abs(cell.mean * 100 - accuracy) < 1e-9, "IoU \(iouThreshold): \(cell.mean) vs \(accuracy)")
            #expect(cell.count == dataset.count && cell.low.isNaN)
        }
        #expect(abs(try entry("maxboxacc-v2").mean * 100 - boxes.meanMaxBoxAccuracy) < 1e-9)
        let pxap = try entry("pxap")
        #expect(abs(pxap.mean * 100 - (try pixels.pixelAP())) < 1e-9 && pxap.count == dataset.count)
        // Correctness rows are change points: a handful per image and IoU, not one per threshold.
        let sweepRows = directory.rows.filter { $0.metric.hasPrefix("sweep:") }
        #expect(sweepRows.count < dataset.count * 3 * 20)
    }

    @Test("a killed wsoleval run drops the torn image's histograms and resumes to the uninterrupted tables")
    func resumeKeepsHistogramsConsistent() throws {
        let dataset = try RunFixture.dataset()
        let whole = RunFixture.folder("wsol-whole")
        let resumed = RunFixture.folder("wsol-resumed")
        defer { for url in [whole, resumed] { try? FileManager.default.removeItem(at: url) } }
        let setup = try RunFixture.setup(dataset: dataset, evaluation: .wsoleval)
        try BenchmarkRun(setup: setup, directory: RunDirectory(whole)).run()
        var finished = 0
        try BenchmarkRun(setup: setup, directory: RunDirectory(resumed)).run(
            progress: { finished = $0.done }, shouldStop: { finished >= 2 })
        // The kill came after image 2's histograms were durable, halfway through another histogram line.
        let histogramURL = resumed.appendingPathComponent(RunDirectory.histogramsName)
        let wholeLines = try String(
            contentsOf: whole.appendingPathComponent(RunDirectory.histogramsName), encoding: .utf8
        ).split(separator: "\n")
        let third = try #require(wholeLines.first { $0.hasPrefix("2,") })
        let handle = try FileHandle(forWritingTo: histogramURL)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((third + "\n" + third.prefix(40)).utf8))
        try handle.close()
        let reopened = try RunDirectory(resumed)
        #expect(reopened.completed.count == 2 && reopened.histograms.count == 2)
        try BenchmarkRun(setup: setup, directory: reopened).run()
        #expect(
            try String(contentsOf: histogramURL, encoding: .utf8)
                == String(contentsOf: whole.appendingPathComponent(RunDirectory.histogramsName), encoding: .utf8))
        let expected = RunTables(
            rows: try RunMerge.rows(of: [whole]), evaluation: .wsoleval,
            histograms: try RunMerge.histograms(of: [whole]))
        let actual = RunTables(
            rows: try RunMerge.rows(of: [resumed]), evaluation: .wsoleval,
            histograms: try RunMerge.histograms(of: [resumed]))
        #expect(actual.summaryCSV == expected.summaryCSV)
        #expect(expected.summary.contains { $0.metric == "pxap" && $0.count == dataset.count })
    }

    @Test("wsoleval shards merge into the whole run's MaxBoxAcc and PxAP")
    func shardsMerge() throws {
        let dataset = try RunFixture.dataset()
        let whole = RunFixture.folder("wsol-merge-whole")
        let shards = [RunFixture.folder("wsol-shard0"), RunFixture.folder("wsol-shard1")]
        defer { for url in [whole] + shards { try? FileManager.default.removeItem(at: url) } }
        try BenchmarkRun(
            setup: RunFixture.setup(dataset: dataset, evaluation: .wsoleval), directory: RunDirectory(whole)
        )
        .run()
        for (shard, folder) in shards.enumerated() {
            let indices = (0..<dataset.count).filter { $0 % 2 == shard }
            try BenchmarkRun(
                setup: RunFixture.setup(dataset: dataset, indices: indices, evaluation: .wsoleval),
                directory: RunDirectory(folder)
            )
            .run()
        }
        let merged = RunTables(
            rows: try RunMerge.rows(of: shards), evaluation: .wsoleval, histograms: try RunMerge.histograms(of: shards))
        let expected = RunTables(
            rows: try RunMerge.rows(of: [whole]), evaluation: .wsoleval,
            histograms: try RunMerge.histograms(of: [whole]))
        #expect(merged.summaryCSV == expected.summaryCSV)
    }
}

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
        let wholeTables = RunTables(rows: try RunMerge.rows(of: [whole]))
        #expect(RunTables(rows: try RunMerge.rows(of: [resumed])).summaryCSV == wholeTables.summaryCSV)
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
        let merged = RunTables(rows: try RunMerge.rows(of: shards))
        let expected = RunTables(rows: try RunMerge.rows(of: [whole]))
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
        let tables = RunTables(rows: directory.rows)
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

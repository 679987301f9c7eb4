import Evaluation
import Foundation
import Imaging
import Reports
import Tensor
import Testing
import ViT

@testable import BenchCLI

/// The embedded default: the committed demo model and `bench` with no arguments. Serialized, since both tests
/// generate or read the demo's synthetic set in `.cache/synthetic`.
@Suite("The demo model and the no-argument run", .serialized)
struct DemoRunTests {
    struct ReferenceLogits: Decodable {
        var ids: [String]
        var logits: [[Float]]
    }

    @Test("the committed demo model gives PyTorch's logits on the demo set (models/demo/reference_logits.json)")
    func demoModelMatchesPyTorch() throws {
        let folder = try #require(DemoModel.folder, "models/demo is missing")
        let reference = try JSONDecoder().decode(
            ReferenceLogits.self, from: Data(contentsOf: folder.appendingPathComponent("reference_logits.json")))
        let loaded = try DemoModel.load()
        _ = try SyntheticCache.openValidation(log: { _ in })
        #expect(reference.ids.count == 4)
        for (id, expected) in zip(reference.ids, reference.logits) {
            let image = try ImageDecoder.decodeRGB(contentsOf: "\(SyntheticCache.path)/JPEGImages/\(id).jpg")
            let input = Preprocessing.input(image, settings: loaded.preprocessing)
            let logits = loaded.model.logits(
                Tensor(shape: [1, 3, image.height, image.width], storage: input.storage)
            ).storage
            #expect(logits.count == expected.count)
            let scale = max(1, expected.map { abs($0) }.max() ?? 1)
            for (actual, wanted) in zip(logits, expected) {
                #expect(abs(actual - wanted) <= 1e-4 * scale, "\(id): \(actual) vs PyTorch \(wanted)")
            }
        }
    }

    @Test("an unknown method or a half-given dataset fails validation; every built-in protocol passes")
    func refusedBeforeWork() throws {
        for arguments in [["--methods", "agc,nope"], ["--dataset", "voc"], ["--protocol", "nope"]] {
            #expect(throws: (any Error).self, "\(arguments)") { try Run.parse(arguments).validate() }
        }
        for name in ["otsu", "agc2024", "chefer2021", "wsoleval", "wsoleval-v1", "coporan2025"] {
            #expect(throws: Never.self) { try Run.parse(["--protocol", name]).validate() }
        }
    }

    @Test("bench with no arguments but --limit evaluates every method with the demo model and writes the tables")
    func noArgumentRun() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("demo-run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let command = try Run.parse(["--limit", "2", "--out", out.path, "--quiet"])
        try command.validate()
        try command.run()
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        let rows = summary.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let methods = Set(rows.map { $0[0] })
        #expect(methods.count == 20 && methods.contains("agc") && methods.contains("integrated-gradients"))
        // Every method has an IoU over both images, inside [0, 1].
        let iou = rows.filter { $0[1] == "iou" }
        #expect(iou.count == 20)
        for row in iou {
            let mean = try #require(Double(row[2]))
            #expect((0...1).contains(mean) && row[5] == "2", "\(row)")
        }
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
        #expect((manifest?["finished"] as? [String: Any]) != nil)
        #expect((manifest?["images"] as? Int) == 2)
    }
}

/// `bench --protocol wsoleval` end to end on the demo: the sweep metrics in the tables, histograms on disk.
@Suite("The wsoleval protocol from the command line", .serialized)
struct WSOLCommandTests {
    @Test("a wsoleval demo run reports MaxBoxAccV2 at IoU 30/50/70 and PxAP, and writes sweep_histograms.csv")
    func wsolevalRun() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("demo-wsol-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let command = try Run.parse([
            "--protocol", "wsoleval", "--methods", "raw-attention,rollout", "--limit", "2", "--out", out.path,
            "--quiet",
        ])
        try command.validate()
        try command.run()
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8)
        let rows = summary.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        for method in ["raw-attention", "rollout"] {
            for metric in ["maxboxacc-v2", "maxboxacc-iou30", "maxboxacc-iou50", "maxboxacc-iou70", "pxap"] {
                let row = try #require(rows.first { $0[0] == method && $0[1] == metric }, "\(method) \(metric)")
                let mean = try #require(Double(row[2]))
                #expect((0...1).contains(mean) && row[5] == "2", "\(row)")
            }
        }
        let histograms = try String(
            contentsOf: out.appendingPathComponent(RunDirectory.histogramsName), encoding: .utf8)
        #expect(histograms.split(separator: "\n").count == 1 + 2 * 2)
        let markdown = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(markdown.contains("maxboxacc-v2") && markdown.contains("pxap"))
    }

    @Test("bench merge of two wsoleval shards writes their histogram lines and the tables of their union")
    func wsolevalShardsMerge() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("demo-wsol-merge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let common = ["--protocol", "wsoleval", "--methods", "rollout", "--limit", "4", "--quiet"]
        var shards: [URL] = []
        for shard in 0..<2 {
            let folder = base.appendingPathComponent("shard\(shard)")
            shards.append(folder)
            try Run.parse(common + ["--shard", "\(shard)/2", "--out", folder.path]).run()
        }
        let merged = base.appendingPathComponent("merged")
        try Merge.parse(shards.map(\.path) + ["--out", merged.path]).run()
        func lines(_ folder: URL) throws -> [Substring] {
            try String(contentsOf: folder.appendingPathComponent(RunDirectory.histogramsName), encoding: .utf8)
                .split(separator: "\n").dropFirst().sorted()
        }
        // Whole-run equality of sharded runs is HarnessTests' (in-process maps can differ in the last bit while
        // other suites change the BLAS thread count); here the merge itself: every line once, the union's tables.
        let shardLines = try (lines(shards[0]) + lines(shards[1])).sorted()
        #expect(try lines(merged) == shardLines && shardLines.count == 4)
        let expected = RunTables(
            rows: try RunMerge.rows(of: shards), evaluation: .wsoleval, histograms: try RunMerge.histograms(of: shards))
        let summary = try String(contentsOf: merged.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(summary == expected.summaryCSV && expected.summary.contains { $0.metric == "pxap" && $0.count == 4 })
    }
}

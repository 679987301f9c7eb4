import Foundation
import Imaging
import Tensor
import Testing
import ViT

@testable import Explainers

@Suite("bench explain's report")
struct ExplanationReportTests {
    /// The fixture image (32 x 32) and its input under Normalize(0.5, 0.5).
    private static func imageAndInput(_ fixture: InputGradientFixture) throws -> (RGBImage, Tensor) {
        let image = try ImageDecoder.decodeRGB(
            contentsOf: fixture.folder.appendingPathComponent("image.png").path)
        let planes = image.normalizedPlanes(.inception)
        return (image, Tensor(shape: [1, 3, 32, 32], storage: planes))
    }

    private static func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "explain-\(UInt64.random(in: 0...UInt64.max))"
        ).path
    }

    @Test("writes grids, normalised maps, overlays, prediction.json and the sheet; a failing method is reported")
    func writesFiles() throws {
        let fixture = try InputGradientFixture()
        let (image, input) = try Self.imageAndInput(fixture)
        #expect(input == fixture.input)
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let methods = try MethodRegistry.builtIn.methods(
            "raw-attention:block=1,saliency,uniform,maps:\(fixture.mapsFolder)")
        var lines: [String] = []
        let report = try ExplanationReport.write(
            model: fixture.model, image: image, input: input, methods: methods, target: .rank(2), imageID: "image",
            normalization: ChannelNormalization.inception,
            classNames: (0..<10).map { "name\($0)" }, to: folder, progress: { lines.append($0) })

        // The target is the second most probable class, and the prediction matches the PyTorch logits.
        let logits = try fixture.golden("logits.npy")
        #expect(report.prediction.target.index == fixture.classes[1])
        #expect(report.prediction.target.name == "name\(fixture.classes[1])")
        #expect(report.prediction.top5.map(\.index).prefix(2) == fixture.classes[...])
        expectClose(Tensor(shape: [10], storage: report.prediction.logits), logits, "logits", tolerance: 1e-5)
        let decoded = try JSONDecoder().decode(
            ExplanationReport.Prediction.self,
            from: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/prediction.json")))
        #expect(decoded == report.prediction)
        #expect(abs(decoded.probabilities.reduce(0, +) - 1) < 1e-6)

        // The maps folder has no map for "image": that method fails and the others are written.
        #expect(
            report.outcomes.map(\.fileStem) == [
                "raw-attention_block=1", "saliency", "uniform",
                ExplanationReport.fileStem(for: "maps:\(fixture.mapsFolder)"),
            ])
        guard case .failure(.externalMap) = report.outcomes[3].result else {
            Issue.record("maps:DIR should fail for an image without a map")
            return
        }
        #expect(lines.count == 5)
        #expect(lines[4].contains("failed"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/\(report.outcomes[3].fileStem).npy"))

        let context = try fixture.context(target: fixture.classes[1], imageID: "image")
        for (method, outcome) in zip(methods.prefix(3), report.outcomes) {
            let expected = try method.explain(context)
            let grid = try NPY.read(contentsOf: "\(folder)/\(outcome.fileStem).grid.npy")
            #expect(grid == expected.grid, "\(outcome.id)")
            let map = try NPY.read(contentsOf: "\(folder)/\(outcome.fileStem).npy")
            let normalized = expected.normalized(to: 32)
            #expect(map == normalized.values, "\(outcome.id)")
            #expect(map.shape == [32, 32])
            if case .success(let condition) = outcome.result { #expect(condition == normalized.condition) }
            let overlay = try PNGCodec.decode(contentsOf: "\(folder)/\(outcome.fileStem).png").rgb()
            #expect(overlay == HeatmapOverlay.overlay(normalized.values.storage, on: image), "\(outcome.id)")
        }
        #expect(report.outcomes[2].result == .success(.constant))

        // One tile for the image and one per method: a 3 x 2 grid of 32 px tiles.
        let sheet = try PNGCodec.decode(contentsOf: "\(folder)/sheet.png").rgb()
        // One tile for the image and one per method, 32 px tiles magnified 5x: a 3 x 2 grid of 160 px cells.
        let tile = ContactSheet.Tile(image: image, caption: "")
        let expectedSheet = ContactSheet.render(Array(repeating: tile, count: 5), minimumTileWidth: 160)
        #expect(sheet.width == expectedSheet.width && sheet.height == expectedSheet.height)
        #expect(sheet.width == 3 * (160 + 12))
    }

    @Test("a class index beyond the model's classes is a typed error")
    func badTarget() throws {
        let fixture = try InputGradientFixture()
        let (image, input) = try Self.imageAndInput(fixture)
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: ExplanationReport.Failure.badTarget("10", classes: 10)) {
            _ = try ExplanationReport.write(
                model: fixture.model, image: image, input: input, methods: [], target: .index(10), to: folder)
        }
    }

    @Test("targets parse as topK or an index")
    func targetChoice() {
        #expect(ExplanationReport.TargetChoice("top1") == .rank(1))
        #expect(ExplanationReport.TargetChoice("top2") == .rank(2))
        #expect(ExplanationReport.TargetChoice("281") == .index(281))
        #expect(ExplanationReport.TargetChoice("top0") == nil)
        #expect(ExplanationReport.TargetChoice("-1") == nil)
        #expect(ExplanationReport.TargetChoice("first") == nil)
    }

    @Test("file stems replace characters that do not belong in file names")
    func fileStems() {
        #expect(ExplanationReport.fileStem(for: "rollout:start=1") == "rollout_start=1")
        #expect(ExplanationReport.fileStem(for: "maps:/a b/c") == "maps__a_b_c")
        #expect(ExplanationReport.fileStem(for: "gxa-signed") == "gxa-signed")
    }
}

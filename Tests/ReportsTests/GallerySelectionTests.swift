import Evaluation
import SeededRandom
import Testing

@testable import Reports

@Suite("The gallery's choice of images")
struct GallerySelectionTests {
    /// Rows of `images` evaluated images with a seeded IoU per method (values on a 1/20 grid, so ties occur).
    static func rows(images: Int, methods: [String], seed: UInt64) -> [ResultRow] {
        var generator = SplitMix64(seed: seed)
        var rows: [ResultRow] = []
        for index in 0..<images {
            let id = "img\(index)"
            for method in methods {
                let value = Double(generator.next() % 21) / 20
                rows.append(
                    ResultRow(index: index, imageID: id, label: "a", method: method, metric: "iou", value: value))
            }
            rows.append(
                ResultRow(
                    index: index, imageID: id, label: "a", method: ResultRow.imageMethod,
                    metric: ResultRow.statusMetric,
                    value: ImageStatus.evaluated.rawValue))
        }
        return rows
    }

    @Test("the shared images have the largest spread across methods, ties by index; extremes per method")
    func ranking() throws {
        func row(_ index: Int, _ method: String, _ value: Double) -> ResultRow {
            ResultRow(index: index, imageID: "i\(index)", label: "a", method: method, metric: "iou", value: value)
        }
        func status(_ index: Int) -> ResultRow {
            ResultRow(
                index: index, imageID: "i\(index)", label: "a", method: ResultRow.imageMethod,
                metric: ResultRow.statusMetric, value: ImageStatus.evaluated.rawValue)
        }
        // Spreads: image 0: 0, image 1: 0.5, image 2: 0.5, image 3: 0.25.
        let rows = [
            row(0, "a", 0.5), row(0, "b", 0.5), status(0), row(1, "a", 0), row(1, "b", 1), status(1),
            row(2, "a", 1), row(2, "b", 0), status(2), row(3, "a", 0.25), row(3, "b", 0.75), status(3),
        ]
        let selection = GallerySelection(rows: rows, evaluation: .otsu, count: 3)
        #expect(selection.metric == .iou)
        #expect(selection.shared == [1, 2, 3])
        #expect(selection.extremes == [.init(method: "a", best: 2, worst: 1), .init(method: "b", best: 1, worst: 2)])
        #expect(selection.overlays.map(\.index) == [1, 2, 3])
        #expect(selection.overlays.allSatisfy { $0.methods == ["a", "b"] })
    }

    @Test("the choice over the union of the shards' choices equals the whole run's", arguments: [2, 3, 5])
    func shardsChooseTheSame(shardCount: Int) throws {
        let methods = ["rollout", "gae", "agc", "uniform"]
        let rows = Self.rows(images: 40, methods: methods, seed: UInt64(shardCount))
        let whole = GallerySelection(rows: rows, evaluation: .otsu, count: 6)
        var complete: Set<Int> = []
        var byMethod: [String: Set<Int>] = [:]
        for shard in 0..<shardCount {
            let part = GallerySelection(
                rows: rows.filter { $0.index % shardCount == shard }, evaluation: .otsu, count: 6)
            for overlay in part.overlays {
                if overlay.methods == methods { complete.insert(overlay.index) }
                for method in overlay.methods { byMethod[method, default: []].insert(overlay.index) }
            }
        }
        let merged = GallerySelection(
            rows: rows, evaluation: .otsu, count: 6, sharedCandidates: complete, methodCandidates: byMethod)
        #expect(merged == whole)
        #expect(whole.shared.count == 6 && whole.extremes.count == methods.count)
    }

    @Test("a protocol without a per-image localization metric shows its first images, without extremes")
    func sweepProtocol() {
        let rows = Self.rows(images: 5, methods: ["a"], seed: 1)
        let selection = GallerySelection(rows: rows, evaluation: .wsoleval, count: 3)
        #expect(selection.metric == nil)
        #expect(selection.shared == [0, 1, 2] && selection.extremes.isEmpty)
        #expect(GallerySelection.rankingMetric(of: .chefer2021) == .cheferAveragePrecision)
    }
}

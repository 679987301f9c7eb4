import Evaluation
import Foundation
import Testing

@testable import Reports

/// Dataset-level sweeps in tables: MaxBoxAcc from per-image change rows, PxAP from per-image histograms.
@Suite("Sweep metrics in tables")
struct SweepTablesTests {
    static func row(_ index: Int, _ metric: String, _ value: Double, method: String = "cam") -> ResultRow {
        ResultRow(index: index, imageID: "img\(index)", label: "cat", method: method, metric: metric, value: value)
    }

    @Test("MaxBoxAcc is the best count over thresholds of images correct there, divided by the images")
    func maxBoxAccuracyByHand() throws {
        // Correct at thresholds: image 0 at 2...4, image 1 at 3...9, image 2 never (only its @0 row), image 3
        // at 0 and 1. Counts: k0 1, k1 1, k2 1, k3 2, k4 2, k5 1 ... so the best is 2 of 4 images.
        var rows = [
            Self.row(0, "sweep:maxboxacc-iou50@0", 0), Self.row(0, "sweep:maxboxacc-iou50@2", 1),
            Self.row(0, "sweep:maxboxacc-iou50@5", -1), Self.row(1, "sweep:maxboxacc-iou50@0", 0),
            Self.row(1, "sweep:maxboxacc-iou50@3", 1), Self.row(2, "sweep:maxboxacc-iou50@0", 0),
            Self.row(3, "sweep:maxboxacc-iou50@0", 1), Self.row(3, "sweep:maxboxacc-iou50@2", -1),
        ]
        // The other two IoUs: all four correct at threshold 0 for IoU 30, nobody for IoU 70.
        for index in 0..<4 {
            rows.append(Self.row(index, "sweep:maxboxacc-iou30@0", 1))
            rows.append(Self.row(index, "sweep:maxboxacc-iou70@0", 0))
        }
        let tables = RunTables(rows: rows, evaluation: .wsoleval)
        func mean(_ metric: String) throws -> Double {
            try #require(tables.summary.first { $0.metric == metric }).mean
        }
        #expect(try mean("maxboxacc-iou50") == 0.5)
        #expect(try mean("maxboxacc-iou30") == 1)
        #expect(try mean("maxboxacc-iou70") == 0)
        #expect(try mean("maxboxacc-v2") == 0.5)
        let cell = try #require(tables.summary.first { $0.metric == "maxboxacc-iou50" })
        #expect(cell.count == 4 && cell.low.isNaN && cell.high.isNaN)
        #expect(!tables.summary.contains { $0.metric.hasPrefix("sweep:") })
        #expect(tables.perClass.allSatisfy { !$0.metric.hasPrefix("maxboxacc") })
    }

    @Test("PxAP pools the images' histograms before precision and recall (evaluation.md §1.7)")
    func pooledAveragePrecision() throws {
        // Three bins, lowest first. Image 0: positives [0, 1, 1], negatives [2, 0, 0]; image 1: positives
        // [1, 0, 0], negatives [0, 1, 0]. Pooled positives [1, 1, 1], negatives [2, 1, 0]. From the top bin:
        // TP 1 FP 0 (P 1, R 1/3); TP 2 FP 1 (P 2/3, R 2/3); TP 3 FP 3 (P 1/2, R 1).
        let histograms = [
            SweepHistogram(index: 0, method: "cam", metric: "pxap", positives: [0, 1, 1], negatives: [2, 0, 0]),
            SweepHistogram(index: 1, method: "cam", metric: "pxap", positives: [1, 0, 0], negatives: [0, 1, 0]),
        ]
        let rows = [Self.row(0, "map-constant", 0), Self.row(1, "map-constant", 0)]
        let tables = RunTables(rows: rows, evaluation: .wsoleval, histograms: PooledHistograms(histograms))
        let pxap = try #require(tables.summary.first { $0.metric == "pxap" })
        let expected = 1.0 / 3 + 2.0 / 3 / 3 + 0.5 / 3
        #expect(abs(pxap.mean - expected) < 1e-15 && pxap.count == 2)
        // Pooling is not averaging: the images alone give 1 and 1/2, whose mean is 0.75.
        #expect(abs(pxap.mean - 0.75) > 0.01)
        let empty = RunTables(
            rows: rows, evaluation: .wsoleval,
            histograms: PooledHistograms([
                SweepHistogram(index: 0, method: "cam", metric: "pxap", positives: [0, 0], negatives: [1, 0])
            ]))
        #expect(try #require(empty.summary.first { $0.metric == "pxap" }).mean.isNaN)
    }

    @Test("pooling sums per method and metric; histograms with other bins make the metric NaN")
    func pooling() throws {
        var pooled = PooledHistograms()
        pooled.add(SweepHistogram(index: 0, method: "a", metric: "pxap", positives: [1, 2], negatives: [3, 4]))
        pooled.add(SweepHistogram(index: 1, method: "a", metric: "pxap", positives: [5, 0], negatives: [0, 1]))
        pooled.add(SweepHistogram(index: 0, method: "b", metric: "pxap", positives: [1, 1], negatives: [1, 1]))
        let sum = try #require(pooled.sum(method: "a", metric: "pxap"))
        #expect(sum.positives == [6, 2] && sum.negatives == [3, 5] && sum.images == 2 && !sum.mismatched)
        #expect(pooled.metrics(of: "a") == ["pxap"] && pooled.metrics(of: "c").isEmpty && pooled.count == 3)
        pooled.add(SweepHistogram(index: 2, method: "b", metric: "pxap", positives: [1, 1, 1], negatives: [0, 0, 0]))
        let tables = RunTables(
            rows: [Self.row(0, "map-constant", 0, method: "b")], evaluation: .wsoleval, histograms: pooled)
        #expect(try #require(tables.summary.first { $0.metric == "pxap" }).mean.isNaN)
    }

    @Test("a histogram line round-trips, stores only its non-empty span, and a torn line is refused")
    func histogramLines() throws {
        var positives = [Int](repeating: 0, count: 1002)
        positives[417] = 3
        positives[419] = 12
        let negatives = (0..<1002).map { $0 % 7 == 0 ? 0 : $0 }
        let histogram = SweepHistogram(
            index: 7, method: "rollout:start=1", metric: "pxap", positives: positives, negatives: negatives)
        let line = histogram.csvLine
        #expect(line.hasPrefix("7,rollout:start=1,pxap,1002,417:3 0 12,1:1 2 3 4 5 6 0 8"))
        #expect(SweepHistogram(csvLine: Substring(line)) == histogram)
        // Cut short anywhere, even inside a number, a line no longer adds up to its pixel total.
        for cut in [1, 2, 5, 40] { #expect(SweepHistogram(csvLine: Substring(line.dropLast(cut))) == nil, "\(cut)") }
        #expect(line.hasSuffix(",\(positives.reduce(0, +) + negatives.reduce(0, +))"))
        #expect(SweepHistogram(csvLine: Substring(String(line.prefix(30)))) == nil)
        let empty = SweepHistogram(index: 0, method: "m", metric: "pxap", positives: [0, 0], negatives: [0, 0])
        #expect(SweepHistogram(csvLine: Substring(empty.csvLine)) == empty)
        #expect(SweepHistogram(csvLine: "1,m,pxap,2,0:1 2 3,0:") == nil)
    }

    @Test("a reopened folder keeps the histograms of complete images only, once each")
    func directoryDropsIncompleteHistograms() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-dir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let first = SweepHistogram(index: 0, method: "cam", metric: "pxap", positives: [1, 2], negatives: [3, 0])
        let directory = try RunDirectory(url)
        #expect(!FileManager.default.fileExists(atPath: url.appendingPathComponent(RunDirectory.histogramsName).path))
        try directory.append(
            [Self.row(0, "sweep:maxboxacc-iou50@0", 1)], index: 0, imageID: "img0", label: "cat", status: .evaluated,
            histograms: [first])
        // Image 1's histogram reached the disk, its block did not.
        let handle = try FileHandle(forWritingTo: url.appendingPathComponent(RunDirectory.histogramsName))
        try handle.seekToEnd()
        let orphan = SweepHistogram(index: 1, method: "cam", metric: "pxap", positives: [0, 1], negatives: [1, 1])
        try handle.write(contentsOf: Data((first.csvLine + "\n" + orphan.csvLine + "\n").utf8))
        try handle.close()
        let reopened = try RunDirectory(url)
        #expect(reopened.histograms == PooledHistograms([first]) && reopened.histograms.count == 1)
        let text = try String(contentsOf: url.appendingPathComponent(RunDirectory.histogramsName), encoding: .utf8)
        #expect(text == SweepHistogram.header + "\n" + first.csvLine + "\n")
    }
}

import Evaluation
import Foundation
import Testing

@testable import Reports

@Suite("Tables and merging")
struct RunTablesTests {
    @Test("means skip NaN, ratios sum numerators and denominators, curves average per step")
    func aggregationRules() throws {
        let rows = (0..<4).flatMap { sampleRows($0) }
        let tables = RunTables(rows: rows, evaluation: .chefer2021)
        let iou = try #require(tables.summary.first { $0.method == "agc" && $0.metric == "map" })
        // agc iou per image: k/7 + 0.1 for k = 0, 1, 2, 3.
        #expect(abs(iou.mean - (6.0 / 7 / 4 + 0.1)) < 1e-12)
        #expect(iou.count == 4 && iou.low <= iou.mean && iou.mean <= iou.high)
        let accuracy = try #require(tables.summary.first { $0.method == "agc" && $0.metric == "pixel-accuracy" })
        let expectedAccuracy: Double = 6.0 / 16
        #expect(accuracy.mean == expectedAccuracy)
        #expect(!tables.summary.contains { $0.metric.hasSuffix(".denominator") || $0.metric.hasPrefix("curve:") })
        // curve points of images 1 and 2 (0 and 3 are NaN): (1/7 + 0.1)/2 and (2/7 + 0.1)/2.
        let point = try #require(tables.curves.first { $0.method == "agc" })
        #expect(point.curve == "deletion-morf" && point.fraction == 0.5 && point.count == 2)
        let expectedPoint: Double = ((1.0 / 7 + 0.1) / 2 + (2.0 / 7 + 0.1) / 2) / 2
        #expect(abs(point.mean - expectedPoint) < 1e-12)
        let classes = tables.perClass.filter { $0.method == "agc" && $0.metric == "map" }
        #expect(classes.map(\.label) == ["cat", "dog, big"] && classes.map(\.count) == [2, 2])
    }

    @Test("percentiles follow numpy's linear rule", arguments: [(0.0, 1.0), (0.25, 1.75), (0.5, 2.5), (1.0, 4.0)])
    func percentile(fraction: Double, expected: Double) {
        #expect(Bootstrap.percentile([1, 2, 3, 4], fraction) == expected)
    }

    @Test("the bootstrap interval of a constant series is that constant, and intervals are reproducible")
    func bootstrapDeterminism() {
        let bootstrap = Bootstrap(resamples: 200)
        let values = (0..<50).map { Double($0 % 9) }
        let first = bootstrap.interval(count: 50, key: "k") { $0.map { values[$0] }.reduce(0, +) / 50 }
        let second = bootstrap.interval(count: 50, key: "k") { $0.map { values[$0] }.reduce(0, +) / 50 }
        #expect(first == second && first.low < 3.84 && first.high > 3.84)
        let constant = bootstrap.interval(count: 10, key: "c") { _ in 0.5 }
        #expect(constant == (0.5, 0.5))
    }

    @Test("shards merged in any order give the tables of one whole run")
    func mergedShards() throws {
        let whole = temporaryFolder("merge-whole")
        let shards = [temporaryFolder("merge-a"), temporaryFolder("merge-b"), temporaryFolder("merge-c")]
        defer { for url in [whole] + shards { try? FileManager.default.removeItem(at: url) } }
        let wholeRun = try RunDirectory(whole)
        let shardRuns = try shards.map { try RunDirectory($0) }
        for index in 0..<30 {
            try wholeRun.append(
                sampleRows(index), index: index, imageID: "img_\(index)", label: "x", status: .evaluated)
            try shardRuns[index % 3].append(
                sampleRows(index), index: index, imageID: "img_\(index)", label: "x", status: .evaluated)
        }
        let expected = RunTables(rows: try RunMerge.rows(of: [whole]), evaluation: .chefer2021)
        let merged = RunTables(rows: try RunMerge.rows(of: shards.reversed()), evaluation: .chefer2021)
        #expect(merged.summaryCSV == expected.summaryCSV)
        #expect(merged.perClassCSV == expected.perClassCSV)
        #expect(merged.curvesCSV == expected.curvesCSV)
        #expect(merged.markdown(title: "t") == expected.markdown(title: "t"))
    }

    @Test("merging refuses two different results for the same image")
    func mergeConflict() throws {
        let first = temporaryFolder("conflict-a")
        let second = temporaryFolder("conflict-b")
        defer { for url in [first, second] { try? FileManager.default.removeItem(at: url) } }
        try RunDirectory(first).append(sampleRows(0), index: 0, imageID: "img_0", label: "x", status: .evaluated)
        var changed = sampleRows(0)
        changed[0].value += 0.5
        try RunDirectory(second).append(changed, index: 0, imageID: "img_0", label: "x", status: .evaluated)
        #expect(throws: ReportError.self) { _ = try RunMerge.rows(of: [first, second]) }
    }
}

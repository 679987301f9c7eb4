import Evaluation
import Explainers
import Foundation
import Reports
import ScoreMaps
import Testing

@testable import Harness

/// Every row a run writes reads back as a ``MetricRow`` of a ``Metric`` its protocol lists (or a point of one
/// of its curves), so the tables, the gate and the Markdown all find it; and every table entry is a listed
/// metric.
@Suite("Every row a run writes belongs to a metric of its protocol", .serialized)
struct MetricRowCoverageTests {
    /// The rows ``MapScoring`` and ``PerturbationScoring`` write for one hand-made map under `evaluation`.
    static func scoredRows(_ evaluation: EvaluationProtocol) throws -> [MetricRow] {
        let size = evaluation.mapSize
        let values = (0..<size * size).map { Float(($0 * 7919) % 1000) / 1000 }
        var flags = [Bool](repeating: false, count: size * size)
        for y in size / 4..<size / 2 { for x in size / 4..<size / 2 { flags[y * size + x] = true } }
        let truth = GroundTruth(
            foreground: BinaryMask(width: size, height: size, flags: flags),
            boxes: [PixelBox(x0: size / 4, y0: size / 4, x1: size / 2 - 1, y1: size / 2 - 1)], isSegmentation: true)
        var rows: [MetricRow] = []
        for condition in [MapCondition.normal, .constant] {
            let map = ScoreMap(values: values, width: size, height: size, condition: condition)
            for correct in [true, false] {
                rows += try MapScoring.metrics(map, truth: truth, evaluation: evaluation, predictedCorrectly: correct)
                    .map(\.0)
            }
        }
        if let settings = evaluation.perturbation {
            let curves = settings.curves.map {
                PerturbationCurve(
                    curve: $0, scoreClass: 0, pixelCounts: [0, 10, 20], positions: [0, 0.5, 1],
                    scores: [0.9, 0.5, 0.1], unperturbedScore: 0.9)
            }
            rows += PerturbationScoring.rows(curves, settings: settings, metrics: evaluation.metrics).map(\.0)
        }
        return rows
    }

    /// Whether `row` belongs to `evaluation`: a listed metric's row, or a point of one of its curves.
    static func belongs(_ row: MetricRow, to evaluation: EvaluationProtocol) -> Bool {
        if case .curvePoint(let curve, _) = row { return evaluation.perturbation?.curves.contains(curve) == true }
        guard let metric = row.metric else { return false }
        if evaluation.tableMetrics.contains(metric) { return true }
        // MaxBoxAcc change rows serve the MaxBoxAcc means as well.
        if case .maxBoxAccuracy(let iouThreshold) = metric { return evaluation.boxIoUThresholds.contains(iouThreshold) }
        return false
    }

    @Test("every built-in protocol can compute each metric it lists", arguments: EvaluationProtocol.builtIn.map(\.name))
    func consistentProtocols(_ name: String) throws {
        let evaluation = try EvaluationProtocol.named(name)
        #expect(evaluation.problems.isEmpty, "\(evaluation.problems)")
        #expect(!evaluation.metrics.isEmpty)
    }

    @Test(
        "every row scored under each built-in protocol reads back as one of its metrics",
        arguments: EvaluationProtocol.builtIn.map(\.name))
    func scoredRows(_ name: String) throws {
        let evaluation = try EvaluationProtocol.named(name)
        let rows = try Self.scoredRows(evaluation)
        #expect(!rows.isEmpty)
        for row in rows {
            #expect(MetricRow(id: row.id) == row, "\(row.id) does not read back")
            #expect(Self.belongs(row, to: evaluation), "\(name) writes \(row.id), which it does not list")
        }
    }

    @Test(
        "every row of a real run of each built-in protocol belongs to it, and every table entry is listed",
        arguments: EvaluationProtocol.builtIn.map(\.name))
    func runRows(_ name: String) throws {
        let evaluation = try EvaluationProtocol.named(name)
        let output = RunFixture.folder("metric-rows-\(name)")
        defer { try? FileManager.default.removeItem(at: output) }
        let directory = try RunDirectory(output)
        try BenchmarkRun(
            setup: RunFixture.setup(dataset: try RunFixture.dataset(), indices: Array(0..<3), evaluation: evaluation),
            directory: directory
        ).run()
        let ids = Set(directory.rows.filter { $0.method != ResultRow.imageMethod }.map(\.metric))
        for id in ids.sorted() {
            guard let row = MetricRow(id: id) else {
                Issue.record("a \(name) run writes \(id), which no metric reads")
                continue
            }
            #expect(Self.belongs(row, to: evaluation), "a \(name) run writes \(id), which it does not list")
        }
        let tables = RunTables(rows: directory.rows, evaluation: evaluation, histograms: directory.histograms)
        let listed = Set(evaluation.tableMetrics.map(\.id))
        // coporan2025's filter (top-1 probability > 0.85) can exclude every image of the random-init model.
        #expect(!tables.summary.isEmpty || ids.isEmpty)
        for entry in tables.summary { #expect(listed.contains(entry.metric), "\(entry.metric)") }
    }

    @Test("a method failure is a lower-is-better failure count, recorded only when it happens")
    func methodFailure() {
        #expect(MetricRow(id: "method-failed") == .value(.methodFailed))
        #expect(Metric.methodFailed.direction == .lowerIsBetter && Metric.methodFailed.isFailureCount)
        #expect(Metric.methodFailed.isRecordedOnlyWhenNonzero && !Metric.mapConstant.isRecordedOnlyWhenNonzero)
    }
}

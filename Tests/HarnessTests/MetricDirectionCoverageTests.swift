import Evaluation
import Explainers
import Foundation
import Reports
import ScoreMaps
import Testing

@testable import Harness

/// Every metric id a run writes has a direction for `bench gate` (``MetricDirection/table`` lives in `Reports`,
/// which cannot see the protocols; this suite sees both).
@Suite("Metric directions cover every metric a run writes", .serialized)
struct MetricDirectionCoverageTests {
    /// The ids that are not metrics of their own: curve points and sweep changes (the gate skips them).
    static func isMetric(_ id: String) -> Bool { !id.hasPrefix("curve:") && !id.hasPrefix("sweep:") }

    /// The ids ``MapScoring`` and ``PerturbationScoring`` write for one hand-made map under `evaluation`.
    static func scoredIDs(_ evaluation: EvaluationProtocol) throws -> Set<String> {
        let size = evaluation.mapSize
        let values = (0..<size * size).map { Float(($0 * 7919) % 1000) / 1000 }
        var flags = [Bool](repeating: false, count: size * size)
        for y in size / 4..<size / 2 { for x in size / 4..<size / 2 { flags[y * size + x] = true } }
        let truth = GroundTruth(
            foreground: BinaryMask(width: size, height: size, flags: flags),
            boxes: [PixelBox(x0: size / 4, y0: size / 4, x1: size / 2 - 1, y1: size / 2 - 1)], isSegmentation: true)
        var ids = Set<String>()
        for condition in [MapCondition.normal, .constant] {
            let map = ScoreMap(values: values, width: size, height: size, condition: condition)
            for correct in [true, false] {
                let rows = try MapScoring.metrics(
                    map, truth: truth, evaluation: evaluation, predictedCorrectly: correct)
                ids.formUnion(rows.map(\.0))
            }
        }
        if let settings = evaluation.perturbation {
            let curves = settings.curves.map {
                PerturbationCurve(
                    curve: $0, scoreClass: 0, pixelCounts: [0, 10, 20], positions: [0, 0.5, 1],
                    scores: [0.9, 0.5, 0.1],
                    unperturbedScore: 0.9)
            }
            ids.formUnion(PerturbationScoring.rows(curves, settings: settings).map(\.0))
        }
        return ids
    }

    @Test(
        "every id scored under each built-in protocol has a direction",
        arguments: EvaluationProtocol.builtIn.map(\.name))
    func scoredMetrics(_ name: String) throws {
        let evaluation = try EvaluationProtocol.named(name)
        let ids = try Self.scoredIDs(evaluation).filter(Self.isMetric)
        if case .sweep = evaluation.threshold {
        } else {
            #expect(!ids.isEmpty)
        }
        for id in ids.sorted() {
            #expect(MetricDirection.direction(of: id) != nil, "\(name) writes \(id), which has no direction")
        }
    }

    @Test(
        "every id of a real run of each built-in protocol has a direction",
        arguments: EvaluationProtocol.builtIn.map(\.name))
    func runMetrics(_ name: String) throws {
        let evaluation = try EvaluationProtocol.named(name)
        let output = RunFixture.folder("directions-\(name)")
        defer { try? FileManager.default.removeItem(at: output) }
        let directory = try RunDirectory(output)
        try BenchmarkRun(
            setup: RunFixture.setup(dataset: try RunFixture.dataset(), indices: Array(0..<3), evaluation: evaluation),
            directory: directory
        ).run()
        let ids = Set(directory.rows.filter { $0.method != ResultRow.imageMethod }.map(\.metric)).filter(Self.isMetric)
        for id in ids.sorted().filter({ MetricDirection.direction(of: $0) == nil }) {
            Issue.record("a \(name) run writes \(id), which has no direction")
        }
        // The failure count a run writes only when a method fails.
        #expect(MetricDirection.direction(of: "method-failed") == .lowerIsBetter)
    }

    @Test("the dataset-level metrics of the sweep protocol have a direction")
    func sweepMetrics() {
        for id in EvaluationProtocol.wsoleval.metrics {
            #expect(MetricDirection.direction(of: id) == .higherIsBetter, "\(id)")
        }
    }
}

import Evaluation
import Foundation
import Reports
import Testing

@testable import Harness

@Suite("Perturbation rows")
struct PerturbationScoringTests {
    static func curve(_ order: PerturbationSettings.Order, _ scores: [Double]) -> PerturbationCurve {
        PerturbationCurve(
            curve: .init(mode: .deletion, order: order), scoreClass: 0, pixelCounts: scores.indices.map { $0 * 10 },
            positions: scores.indices.map { Double($0) / Double(max(1, scores.count - 1)) }, scores: scores,
            unperturbedScore: 0.9)
    }

    @Test("AG-CAM's step mean and ABPC = LeRF area minus MoRF area")
    func stepMeanAndABPC() throws {
        let curves = [
            Self.curve(.mostRelevantFirst, [0.9, 0.5, 0.1]), Self.curve(.leastRelevantFirst, [0.9, 0.8, 0.1]),
        ]
        let rows = Dictionary(
            uniqueKeysWithValues: PerturbationScoring.rows(
                curves, settings: .agc2024, metrics: EvaluationProtocol.agc2024.metrics
            ).map { ($0.0.id, $0.1) })
        #expect(rows["auc-deletion-morf"] == 0.5)
        #expect(abs((rows["auc-deletion-lerf"] ?? 0) - 1.8 / 3) < 1e-12)
        #expect(abs((rows["abpc"] ?? 0) - (1.8 / 3 - 0.5)) < 1e-12)
        #expect(rows["curve:deletion-morf@0.5"] == 0.5 && rows["curve:deletion-lerf@1.0"] == 0.1)
    }

    @Test("Chefer's trapezoid starts at the unperturbed point and is stored as a fraction")
    func cheferTrapezoid() throws {
        var curve = Self.curve(.mostRelevantFirst, [1, 0])
        curve.positions = [0.1, 0.9]
        let rows = Dictionary(
            uniqueKeysWithValues: PerturbationScoring.rows(
                [curve], settings: .chefer2021, metrics: EvaluationProtocol.chefer2021.metrics
            ).map { ($0.0.id, $0.1) })
        // np.trapz([0.9, 1, 0], [0, 0.1, 0.9]) = 0.1 * 1.9 / 2 + 0.8 * 1 / 2 = 0.495
        #expect(abs((rows["auc-deletion-morf"] ?? 0) - 0.495) < 1e-12)
        #expect(rows["curve:deletion-morf@0.0"] == 0.9)
        #expect(rows["abpc"] == nil)
    }

    @Test("agc2024 localizes correct images only but runs ABPC on every image")
    func agcProtocolRows() throws {
        let dataset = try RunFixture.dataset()
        let output = RunFixture.folder("agc2024")
        defer { try? FileManager.default.removeItem(at: output) }
        let directory = try RunDirectory(output)
        try BenchmarkRun(
            setup: RunFixture.setup(dataset: dataset, indices: Array(0..<4), evaluation: .agc2024),
            directory: directory
        ).run()
        let rows = directory.rows
        let correct = Set(rows.filter { $0.metric == "top1-correct" && $0.value == 1 }.map(\.index))
        #expect(Set(rows.filter { $0.metric == "abpc" }.map(\.index)) == Set(0..<4))
        #expect(Set(rows.filter { $0.metric == "iou" }.map(\.index)) == correct)
    }
}

import Testing

@testable import Evaluation

@Suite("Evaluation protocols")
struct ProtocolTests {
    @Test("the six built-in protocols exist by name, otsu first")
    func names() throws {
        #expect(
            EvaluationProtocol.builtIn.map(\.name) == [
                "otsu", "agc2024", "chefer2021", "wsoleval", "wsoleval-v1", "coporan2025",
            ])
        #expect(try EvaluationProtocol.named("agc2024").threshold == .fixed(0.5))
        #expect(throws: EvaluationError.self) { _ = try EvaluationProtocol.named("nope") }
    }

    @Test("each protocol states the settings issue 5 lists")
    func settings() throws {
        let agc = try EvaluationProtocol.named("agc2024")
        #expect(agc.imageFilter == .correctOnly && agc.groundTruth == .boxes && agc.boxScaling == .agc2024)
        #expect(agc.predictedRegion == .boxes(.agcExternal) && agc.aggregation == .perImageMean(eps: 1e-5))
        #expect(agc.perturbation?.fill == .normalizedZero && agc.perturbation?.area == .stepMean)
        #expect(agc.perturbation?.mapClass == .label)
        let chefer = try EvaluationProtocol.named("chefer2021")
        #expect(chefer.threshold == .mean && chefer.aggregation == .datasetAccumulated)
        #expect(chefer.perturbation?.fill == .black && chefer.perturbation?.score == .top1Correct)
        let wsol = try EvaluationProtocol.named("wsoleval")
        #expect(wsol.mapClass == .label && wsol.threshold == .sweep(1000) && wsol.boxIoUThresholds == [30, 50, 70])
        #expect(wsol.predictedRegion == .boxes(.wsolAll))
        let wsolV1 = try EvaluationProtocol.named("wsoleval-v1")
        #expect(wsolV1.predictedRegion == .boxes(.wsolLargest) && wsolV1.boxIoUThresholds == [50])
        #expect(wsolV1.threshold == .sweep(1000))
        #expect(wsolV1.metrics == [.maxBoxAccuracyV1, .maxBoxAccuracy(iouThreshold: 50), .pixelAP])
        let coporan = try EvaluationProtocol.named("coporan2025")
        #expect(coporan.imageFilter == .topProbabilityAbove(0.85) && coporan.threshold == .otsu(.skimage))
        for evaluation in EvaluationProtocol.builtIn {
            let keys = evaluation.settingLines.map(\.key)
            #expect(keys.contains("threshold") && keys.contains("ground-truth") && keys.contains("aggregation"))
        }
    }

    /// wsolevaluation scores a ground-truth class, so its image's label must not depend on the classifier; the
    /// others explain the predicted class and score that class's ground truth when it is a label.
    @Test("each protocol names its label rule, and its settings print it")
    func labelRules() {
        let rules = Dictionary(uniqueKeysWithValues: EvaluationProtocol.builtIn.map { ($0.name, $0.labelRule) })
        #expect(
            rules == [
                "otsu": .targetClass, "agc2024": .targetClass, "chefer2021": .targetClass, "wsoleval": .largestObject,
                "wsoleval-v1": .largestObject, "coporan2025": .targetClass,
            ])
        for evaluation in EvaluationProtocol.builtIn {
            let line = evaluation.settingLines.first { $0.key == "label-rule" }
            #expect(line?.value.hasPrefix(evaluation.labelRule.rawValue + ": ") == true, "\(evaluation.name)")
        }
    }
}

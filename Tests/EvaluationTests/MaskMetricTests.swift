import ScoreMaps
import Tensor
import Testing

@testable import Evaluation

@Suite("Mask metrics")
struct MaskMetricTests {
    private func truth(_ image: ReferenceFixture.MaskImage, width: Int, height: Int, ignore: Bool) -> GroundTruth {
        GroundTruth(
            foreground: BinaryMask(width: width, height: height, bits: image.gt),
            ignore: ignore ? BinaryMask(width: width, height: height, bits: image.ignore) : nil)
    }

    @Test("Chefer: dataset-level pixel accuracy and mIoU, per-image two-channel AP (scikit-learn)")
    func chefer() throws {
        let fixture = try ReferenceFixture.load().maskDataset
        var accumulator = CheferSegmentationAccumulator()
        var maxDifference = 0.0
        for image in fixture.images {
            let map = ScoreMap(values: image.map, width: fixture.width, height: fixture.height)
            let truth = truth(image, width: fixture.width, height: fixture.height, ignore: false)
            let result = try LocalizationEvaluator.evaluate(map, truth: truth, threshold: .mean)
            let ap = CheferSegmentationAccumulator.averagePrecision(map, truth: truth)
            maxDifference = max(maxDifference, abs(ap - image.cheferAP))
            accumulator.add(counts: result.counts, averagePrecision: ap, condition: map.condition)
        }
        #expect(maxDifference < 1e-12)
        #expect(abs(accumulator.pixelAccuracy - fixture.chefer.pixelAccuracy) < 1e-15)
        #expect(abs(accumulator.classIoU.background - fixture.chefer.iou[0]) < 1e-15)
        #expect(abs(accumulator.classIoU.foreground - fixture.chefer.iou[1]) < 1e-15)
        #expect(abs(accumulator.meanIoU - fixture.chefer.mIoU) < 1e-15)
    }

    @Test("AG-CAM per-image scores with eps 1e-5 at fixed 0.5 match the spec computation")
    func agcEps() throws {
        let fixture = try ReferenceFixture.load().maskDataset
        for image in fixture.images {
            let map = ScoreMap(values: image.map, width: fixture.width, height: fixture.height)
            let truth = truth(image, width: fixture.width, height: fixture.height, ignore: false)
            let scores = try LocalizationEvaluator.evaluate(map, truth: truth, threshold: .fixed(0.5), eps: 1e-5).scores
            let values = [scores.pixelAccuracy, scores.iou, scores.dice, scores.precision, scores.recall]
            for (value, expected) in zip(values, image.agcFixed05) { #expect(abs(value - expected) < 1e-15) }
        }
    }

    @Test("eps by hand: an empty prediction against an empty truth scores 1 with eps and is undefined without")
    func epsByHand() {
        let counts = ConfusionCounts(
            prediction: BinaryMask(width: 2, height: 2), truth: GroundTruth(foreground: BinaryMask(width: 2, height: 2))
        )
        let withEps = counts.scores(eps: 1e-5)
        #expect(withEps.iou == 1 && withEps.dice == 1 && withEps.precision == 1 && withEps.recall == 1)
        #expect(withEps.pixelAccuracy == 1)
        let without = counts.scores(eps: 0)
        #expect(without.iou.isNaN && without.precision.isNaN && without.pixelAccuracy == 1)
        var mean = MeanAccumulator()
        mean.add(without.iou)
        mean.add(0.5)
        #expect(mean.mean == 0.5 && mean.undefinedCount == 1)
    }

    @Test("AUC-ROC (scikit-learn), pointing game and energy against the fixture, void excluded")
    func pointwise() throws {
        let fixture = try ReferenceFixture.load().maskDataset
        var maxDifference = 0.0
        for image in fixture.images {
            let map = ScoreMap(values: image.map, width: fixture.width, height: fixture.height)
            let truth = truth(image, width: fixture.width, height: fixture.height, ignore: true)
            let auc = PointingGame.rocAUC(map, truth: truth)
            #expect((auc == nil) == (image.rocAUC == nil))
            if let auc, let expected = image.rocAUC { maxDifference = max(maxDifference, abs(auc - expected)) }
            #expect(PointingGame.hit(map, truth: truth) == image.pointing)
            #expect(abs(PointingGame.energy(map, truth: truth) - image.energy) < 1e-12)
        }
        #expect(maxDifference < 1e-12)
    }

    @Test("PxAP from histograms matches the spec computation with numpy histograms")
    func pixelAP() throws {
        let fixture = try ReferenceFixture.load().maskDataset
        var accumulator = PixelAPAccumulator(thresholdCount: 100)
        for image in fixture.images {
            let map = ScoreMap(values: image.map, width: fixture.width, height: fixture.height)
            accumulator.add(map, truth: truth(image, width: fixture.width, height: fixture.height, ignore: true))
        }
        #expect(abs(try accumulator.pixelAP() - fixture.pxap100) < 1e-9)
    }

    @Test("PxAP edge cases (evaluation.md §1.7): a perfect map gives 100, a constant map 100 P / (P + N)")
    func pixelAPEdgeCases() throws {
        let gt: [UInt8] = [1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0]
        let ignore: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]
        let truth = GroundTruth(
            foreground: BinaryMask(width: 4, height: 3, bits: gt), ignore: BinaryMask(width: 4, height: 3, bits: ignore)
        )
        var perfect = PixelAPAccumulator()
        // Ignore pixels set to 1 must not matter.
        perfect.add(
            ScoreMap(values: zip(gt, ignore).map { Float($0 | $1) }, width: 4, height: 3), truth: truth)
        #expect(try perfect.pixelAP() == 100)
        for value: Float in [0, 0.5, 1] {
            var constant = PixelAPAccumulator()
            constant.add(ScoreMap(values: [Float](repeating: value, count: 12), width: 4, height: 3), truth: truth)
            #expect(abs(try constant.pixelAP() - 100 * 4 / 10) < 1e-12)
        }
        var empty = PixelAPAccumulator()
        empty.add(
            ScoreMap(values: [Float](repeating: 0.3, count: 12), width: 4, height: 3),
            truth: GroundTruth(foreground: BinaryMask(width: 4, height: 3)))
        #expect(throws: EvaluationError.self) { _ = try empty.pixelAP() }
    }

    @Test("AP and AUC by hand with ties")
    func rankingByHand() {
        // scores 0.9 (+), 0.5 (+, -), 0.1 (-): AP = 0.5 * 1 + 0.5 * 2/3; AUC = (1 * 1 + 1 * 0.5 + 1 * 2) / 4.
        let ranked = RankedScores(scores: [0.5, 0.9, 0.1, 0.5], labels: [true, true, false, false])
        #expect(abs(ranked.averagePrecision - (0.5 + 1.0 / 3.0)) < 1e-15)
        #expect(ranked.rocAUC == 0.875)
        #expect(RankedScores(scores: [0.2, 0.3], labels: [false, false]).rocAUC == nil)
    }

    @Test("Chefer's AP of a constant map is its NaN path's: all 2n scores tie, so positives / samples = 0.5")
    func cheferConstantMapAP() {
        // 3 foreground, 7 background, 2 void pixels: the two channels hold 10 positives among 20 scores.
        let gt: [UInt8] = [1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        let ignore: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]
        let truth = GroundTruth(
            foreground: BinaryMask(width: 4, height: 3, bits: gt), ignore: BinaryMask(width: 4, height: 3, bits: ignore)
        )
        let zeros = [Float](repeating: 0, count: 12)
        let constant = ScoreMap(values: zeros, width: 4, height: 3, condition: .constant)
        #expect(CheferSegmentationAccumulator.averagePrecision(constant, truth: truth) == 0.5)
        // A map with any NaN is NaN everywhere in Chefer's min-max (torch propagates NaN): the same tie rule.
        let nonFinite = ScoreMap(values: zeros, width: 4, height: 3, condition: .nonFinite)
        #expect(CheferSegmentationAccumulator.averagePrecision(nonFinite, truth: truth) == 0.5)
        // The same zeros as a normal map: channel 1 - R = 1 ranks the 7 background positives first (precision
        // 7 / 10), then the 3 foreground ones tie with everything (10 / 20): AP = (7 * 0.7 + 3 * 0.5) / 10.
        let normal = ScoreMap(values: zeros, width: 4, height: 3)
        #expect(abs(CheferSegmentationAccumulator.averagePrecision(normal, truth: truth) - 0.64) < 1e-15)
        let everywhere = BinaryMask(width: 4, height: 3, flags: [Bool](repeating: true, count: 12))
        let allVoid = GroundTruth(foreground: BinaryMask(width: 4, height: 3), ignore: everywhere)
        #expect(CheferSegmentationAccumulator.averagePrecision(constant, truth: allVoid) == 0)
    }

    @Test(
        "a map with any NaN or infinity normalises to all zeros, flagged, as wsolevaluation's normalize_scoremap",
        arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteMapIsZeros(_ bad: Float) {
        let map = Tensor(shape: [2, 3], storage: [0.1, 0.9, bad, 0.4, 0.2, 0.7])
        let normalized = MinMaxNormalization.normalize(map)
        #expect(normalized.condition == .nonFinite)
        #expect(normalized.values.shape == [2, 3] && normalized.values.storage == [Float](repeating: 0, count: 6))
        // Finite maps: (m - min) / (max - min) in float32; a constant one is zeros, flagged constant.
        let finite = MinMaxNormalization.normalize(Tensor(shape: [3], storage: [2, 4, 3]))
        #expect(finite.condition == .normal && finite.values.storage == [0, 1, 0.5])
        let constant = MinMaxNormalization.normalize(Tensor(shape: [2], storage: [3, 3]))
        #expect(constant.condition == .constant && constant.values.storage == [0, 0])
    }
}

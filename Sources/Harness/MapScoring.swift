import Evaluation
import Explainers
import Reports
import ScoreMaps

/// The per-image rows of one normalised map under a protocol, as ``MetricRow`` / value pairs for
/// `per_image.csv`, one case per ``Metric`` of the protocol (``EvaluationProtocol/metrics``).
///
/// Per-image-mean metrics give their value (NaN where it is undefined, for example IoU with no eps and an
/// empty union). Dataset-ratio metrics (Chefer) give their two halves, Chefer's per-image sums
/// (``CheferSegmentationAccumulator/ImageTerms``), which the tables accumulate over the dataset. Sweep metrics
/// (wsolevaluation) give, per IoU threshold `D` of the protocol, the image's box correctness as changes over
/// the threshold indices (``BoxAccuracyAccumulator/changes(_:boxes:)``); PxAP gives histograms for
/// `sweep_histograms.csv` (``histograms(_:truth:evaluation:index:method:)``) on images with a segmentation
/// mask. Every map also records its ``MapCondition`` (``Metric/mapConstant``, ``Metric/mapNonFinite``), so
/// constant and NaN maps are counted in the tables; such maps arrive as all zeros and score as finding
/// nothing (no foreground under every threshold, no pointing-game hit, AUC-ROC 0.5).

package enum MapScoring {
    /// The localization rows of `map` against `truth`.
    /// - Parameter predictedCorrectly: whether the top-1 class is the label (for top-1 localization).
    package static func metrics(
        _ map: ScoreMap, truth: GroundTruth, evaluation: EvaluationProtocol, predictedCorrectly: Bool
    ) throws -> [(MetricRow, Double)] {
        var values: [(MetricRow, Double)] = [
            (.value(.mapConstant), map.condition == .constant ? 1 : 0),
            (.value(.mapNonFinite), map.condition == .nonFinite ? 1 : 0),
        ]
        let localization = try perImageLocalization(map, truth: truth, evaluation: evaluation)
        let terms = cheferTerms(map, truth: truth, evaluation: evaluation)
        var sweepWritten = false
        for metric in evaluation.metrics {
            switch metric {
            case .pixelAccuracy: values.append((.value(metric), localization?.scores.pixelAccuracy ?? .nan))
            case .iou: values.append((.value(metric), localization?.scores.iou ?? .nan))
            case .dice: values.append((.value(metric), localization?.scores.dice ?? .nan))
            case .precision: values.append((.value(metric), localization?.scores.precision ?? .nan))
            case .recall: values.append((.value(metric), localization?.scores.recall ?? .nan))
            case .pointingGame:
                // Every pixel of a degenerate (all-zero) map is a maximum, so the tie rule would call it a hit;
                // the harness's rule scores degenerate maps as finding nothing.
                let hit = localization?.pointingHit == true && map.condition == .normal
                values.append((.value(metric), hit ? 1 : 0))
            case .energyPointingGame: values.append((.value(metric), localization?.energy ?? .nan))
            case .aucROC: values.append((.value(metric), localization?.rocAUC ?? .nan))
            case .groundTruthKnownLocalization:
                let hit = localization?.isGroundTruthKnownHit(iouThreshold: localizationIoU(evaluation))
                values.append((.value(metric), truth.boxes.isEmpty ? .nan : hit.map { $0 ? 1 : 0 } ?? .nan))
            case .top1Localization:
                let hit = localization?.isTop1Hit(
                    predictedCorrectly: predictedCorrectly, iouThreshold: localizationIoU(evaluation))
                values.append((.value(metric), truth.boxes.isEmpty ? .nan : hit.map { $0 ? 1 : 0 } ?? .nan))
            case .cheferPixelAccuracy:
                guard let terms else { continue }
                values.append((.numerator(metric), terms.correct))
                values.append((.denominator(metric), terms.labelled))
            case .cheferClassIoU(let foreground):
                guard let terms else { continue }
                values.append(
                    (.numerator(metric), foreground ? terms.intersection.foreground : terms.intersection.background))
                values.append((.denominator(metric), foreground ? terms.union.foreground : terms.union.background))
            case .cheferAveragePrecision:
                values.append((.value(metric), CheferSegmentationAccumulator.averagePrecision(map, truth: truth)))
            case .maxBoxAccuracy, .maxBoxAccuracyV2, .maxBoxAccuracyV1:
                // One set of change rows per IoU threshold of the protocol serves every MaxBoxAcc metric.
                guard !sweepWritten else { continue }
                sweepWritten = true
                values += sweepRows(map, truth: truth, evaluation: evaluation)
            case .cheferMeanIoU, .pixelAP:
                continue  // computed by the tables from the class IoUs / the histograms
            case .perturbationArea, .abpc:
                continue  // PerturbationScoring
            case .mapConstant, .mapNonFinite, .methodFailed:
                continue  // written above, or by the run when a method fails
            }
        }
        return values
    }

    /// The IoU a box must reach for GT-known and top-1 localization: the protocol's first box IoU threshold
    /// (wsolevaluation's 50 %).
    static func localizationIoU(_ evaluation: EvaluationProtocol) -> Double {
        Double(evaluation.boxIoUThresholds.first ?? 50) / 100
    }

    /// The per-image localization result when the protocol has per-image metrics (no sweep, no accumulation).
    private static func perImageLocalization(
        _ map: ScoreMap, truth: GroundTruth, evaluation: EvaluationProtocol
    ) throws -> ImageLocalization? {
        guard case .perImageMean(let eps) = evaluation.aggregation else { return nil }
        if case .sweep = evaluation.threshold { return nil }
        return try LocalizationEvaluator.evaluate(
            map, truth: truth, threshold: evaluation.threshold, region: evaluation.predictedRegion, eps: eps)
    }

    /// Chefer's per-image sums under a dataset-accumulated protocol.
    private static func cheferTerms(
        _ map: ScoreMap, truth: GroundTruth, evaluation: EvaluationProtocol
    ) -> CheferSegmentationAccumulator.ImageTerms? {
        guard case .datasetAccumulated = evaluation.aggregation else { return nil }
        if case .sweep = evaluation.threshold { return nil }
        let binarization = evaluation.threshold.binarize(map)
        return CheferSegmentationAccumulator.ImageTerms(ConfusionCounts(prediction: binarization.mask, truth: truth))
    }

    /// The box-correctness changes of `map` at every IoU threshold of a sweep protocol; none without boxes.
    private static func sweepRows(
        _ map: ScoreMap, truth: GroundTruth, evaluation: EvaluationProtocol
    ) -> [(MetricRow, Double)] {
        guard case .sweep(let thresholdCount) = evaluation.threshold, !truth.boxes.isEmpty else { return [] }
        let accumulator = BoxAccuracyAccumulator(
            thresholdCount: thresholdCount, iouThresholds: evaluation.boxIoUThresholds,
            extraction: sweepExtraction(evaluation))
        var rows: [(MetricRow, Double)] = []
        for (iouThreshold, points) in zip(accumulator.iouThresholds, accumulator.changes(map, boxes: truth.boxes)) {
            let metric = Metric.maxBoxAccuracy(iouThreshold: iouThreshold)
            // The row at threshold 0 is always written: it marks the image as counted.
            if points.first?.threshold != 0 { rows.append((.sweepChange(metric, threshold: 0), 0)) }
            for point in points {
                rows.append((.sweepChange(metric, threshold: point.threshold), Double(point.change)))
            }
        }
        return rows
    }

    /// The PxAP histograms of `map` under a sweep protocol that reports ``Metric/pixelAP``, on images whose
    /// ground truth is a segmentation mask (wsolevaluation computes PxAP only where masks exist); empty otherwise.
    package static func histograms(
        _ map: ScoreMap, truth: GroundTruth, evaluation: EvaluationProtocol, index: Int, method: String
    ) -> [SweepHistogram] {
        guard case .sweep(let thresholdCount) = evaluation.threshold, evaluation.metrics.contains(.pixelAP),
            truth.isSegmentation
        else { return [] }
        let (foreground, background) = PixelAPAccumulator(thresholdCount: thresholdCount).histograms(map, truth: truth)
        return [
            SweepHistogram(
                index: index, method: method, metric: Metric.pixelAP.id, positives: foreground, negatives: background)
        ]
    }

    /// The box extraction of a sweep protocol: its predicted region's, else all contours (MaxBoxAccV2).
    static func sweepExtraction(_ evaluation: EvaluationProtocol) -> BoxExtraction {
        if case .boxes(let extraction) = evaluation.predictedRegion { return extraction }
        return .wsolAll
    }
}

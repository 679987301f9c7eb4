import Evaluation
import Explainers
import Reports
import ScoreMaps

/// The per-image metric values of one normalised map under a protocol, as `(metric, value)` pairs for
/// `per_image.csv`.
///
/// Per-image-mean protocols emit each metric directly (NaN where it is undefined, for example IoU with no eps
/// and an empty union). Dataset-accumulated ones (Chefer) emit `.numerator` / `.denominator` halves that
/// ``RunTables`` sums over the dataset: pixel accuracy, and the background and foreground IoU whose mean is
/// mIoU; AP is a per-image mean. Every map also records its ``MapCondition`` (`map-constant`,
/// `map-nonfinite`), so constant and NaN maps are counted in the tables; such maps arrive as all zeros and score
/// as finding nothing (no foreground under every threshold, no pointing-game hit, AUC-ROC 0.5).
///
/// Sweep protocols (wsolevaluation) have no per-image metric: each map gives `sweep:maxboxacc-iouD@K` rows, its
/// box correctness at IoU `D` as changes over the threshold indices `K` (``BoxAccuracyAccumulator/changes(_:boxes:)``),
/// which ``RunTables`` sums into MaxBoxAcc; and, on images with a segmentation mask, PxAP histograms
/// (``histograms(_:truth:evaluation:index:method:)``) for `sweep_histograms.csv`.
public enum MapScoring {
    /// The localization values of `map` against `truth`.
    /// - Parameter predictedCorrectly: whether the top-1 class is the label (for top-1 localization).
    public static func metrics(
        _ map: ScoreMap, truth: GroundTruth, evaluation: EvaluationProtocol, predictedCorrectly: Bool
    ) throws -> [(String, Double)] {
        var values: [(String, Double)] = [
            ("map-constant", map.condition == .constant ? 1 : 0),
            ("map-nonfinite", map.condition == .nonFinite ? 1 : 0),
        ]
        if case .sweep(let thresholdCount) = evaluation.threshold {
            guard evaluation.metrics.contains(where: { $0.hasPrefix("maxboxacc") }), !truth.boxes.isEmpty else {
                return values
            }
            let accumulator = BoxAccuracyAccumulator(
                thresholdCount: thresholdCount, iouThresholds: evaluation.boxIoUThresholds,
                extraction: sweepExtraction(evaluation))
            let changes = accumulator.changes(map, boxes: truth.boxes)
            for (iouThreshold, points) in zip(accumulator.iouThresholds, changes) {
                let name = "sweep:maxboxacc-iou\(iouThreshold)"
                // The row at threshold 0 is always written: it marks the image as counted.
                if points.first?.threshold != 0 { values.append(("\(name)@0", 0)) }
                for point in points { values.append(("\(name)@\(point.threshold)", Double(point.change))) }
            }
            return values
        }
        switch evaluation.aggregation {
        case .perImageMean(let eps):
            let result = try LocalizationEvaluator.evaluate(
                map, truth: truth, threshold: evaluation.threshold, region: evaluation.predictedRegion, eps: eps)
            for metric in evaluation.metrics {
                switch metric {
                case "pixel-accuracy": values.append((metric, result.scores.pixelAccuracy))
                case "iou": values.append((metric, result.scores.iou))
                case "dice": values.append((metric, result.scores.dice))
                case "precision": values.append((metric, result.scores.precision))
                case "recall": values.append((metric, result.scores.recall))
                case "pointing-game":
                    // Every pixel of a degenerate (all-zero) map is a maximum, so the tie rule would call it a hit;
                    // the harness's rule scores degenerate maps as finding nothing.
                    values.append((metric, result.pointingHit && map.condition == .normal ? 1 : 0))
                case "energy-pointing-game": values.append((metric, result.energy))
                case "auc-roc": values.append((metric, result.rocAUC ?? .nan))
                case "gt-known-loc":
                    values.append((metric, truth.boxes.isEmpty ? .nan : result.isGroundTruthKnownHit() ? 1 : 0))
                case "top1-loc":
                    values.append(
                        (
                            metric,
                            truth.boxes.isEmpty
                                ? .nan : result.isTop1Hit(predictedCorrectly: predictedCorrectly) ? 1 : 0
                        ))
                default: continue
                }
            }
        case .datasetAccumulated:
            let binarization = evaluation.threshold.binarize(map)
            let counts = ConfusionCounts(prediction: binarization.mask, truth: truth)
            let truePositives = Double(counts.truePositives)
            let trueNegatives = Double(counts.trueNegatives)
            let falsePositives = Double(counts.falsePositives)
            let falseNegatives = Double(counts.falseNegatives)
            for metric in evaluation.metrics {
                switch metric {
                case "pixel-accuracy":
                    values.append(("pixel-accuracy.numerator", truePositives + trueNegatives))
                    values.append(("pixel-accuracy.denominator", Double(counts.total)))
                case "miou":
                    values.append(("iou-background.numerator", trueNegatives))
                    values.append(("iou-background.denominator", trueNegatives + falsePositives + falseNegatives))
                    values.append(("iou-foreground.numerator", truePositives))
                    values.append(("iou-foreground.denominator", truePositives + falsePositives + falseNegatives))
                case "map":
                    values.append(("map", CheferSegmentationAccumulator.averagePrecision(map, truth: truth)))
                default: continue
                }
            }
        }
        return values
    }

    /// The PxAP histograms of `map` under a sweep protocol that reports `pxap`, on images whose ground truth is
    /// a segmentation mask (wsolevaluation computes PxAP only where masks exist); empty otherwise.
    public static func histograms(
        _ map: ScoreMap, truth: GroundTruth, evaluation: EvaluationProtocol, index: Int, method: String
    ) -> [SweepHistogram] {
        guard case .sweep(let thresholdCount) = evaluation.threshold, evaluation.metrics.contains("pxap"),
            truth.isSegmentation
        else { return [] }
        let (foreground, background) = PixelAPAccumulator(thresholdCount: thresholdCount).histograms(map, truth: truth)
        return [
            SweepHistogram(index: index, method: method, metric: "pxap", positives: foreground, negatives: background)
        ]
    }

    /// The box extraction of a sweep protocol: its predicted region's, else all contours (MaxBoxAccV2).
    static func sweepExtraction(_ evaluation: EvaluationProtocol) -> BoxExtraction {
        if case .boxes(let extraction) = evaluation.predictedRegion { return extraction }
        return .wsolAll
    }
}

/// Pixel counts of a binary prediction against a binary ground truth, void pixels excluded.
public struct ConfusionCounts: Hashable, Sendable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0
    public var trueNegatives = 0

    public init() {}

    /// Counts `prediction` against `truth.foreground`, skipping `truth.ignore` pixels.
    public init(prediction: BinaryMask, truth: GroundTruth) {
        precondition(prediction.bits.count == truth.foreground.bits.count, "ConfusionCounts: size mismatch")
        var counts = (0, 0, 0, 0)  // indexed by 2 * truth + prediction
        prediction.bits.withUnsafeBufferPointer { predicted in
            truth.foreground.bits.withUnsafeBufferPointer { target in
                truth.ignore.bits.withUnsafeBufferPointer { ignore in
                    for index in predicted.indices where ignore[index] == 0 {
                        switch 2 &* Int(target[index]) &+ Int(predicted[index]) {
                        case 0: counts.0 += 1
                        case 1: counts.1 += 1
                        case 2: counts.2 += 1
                        default: counts.3 += 1
                        }
                    }
                }
            }
        }
        trueNegatives = counts.0
        falsePositives = counts.1
        falseNegatives = counts.2
        truePositives = counts.3
    }

    /// Labelled (non-void) pixels.
    public var total: Int { truePositives + falsePositives + falseNegatives + trueNegatives }

    /// Adds another image's counts (Chefer's dataset-level accumulation).
    public static func + (left: ConfusionCounts, right: ConfusionCounts) -> ConfusionCounts {
        var sum = left
        sum.truePositives += right.truePositives
        sum.falsePositives += right.falsePositives
        sum.falseNegatives += right.falseNegatives
        sum.trueNegatives += right.trueNegatives
        return sum
    }

    /// Pixel accuracy, IoU, Dice/F1, precision and recall with `eps` added to numerator and denominator.
    ///
    /// AG-CAM `localization.py` (methods.md §1.3) uses `eps = 1e-5`: `(TP + TN + eps) / (total + eps)`,
    /// `(TP + eps) / (TP + FP + FN + eps)`, `(2TP + eps) / (2TP + FP + FN + eps)`, `(TP + eps) / (TP + FP + eps)`,
    /// `(TP + eps) / (TP + FN + eps)`, so an empty prediction against an empty truth scores 1 everywhere. With
    /// `eps = 0` a ratio with a zero denominator is NaN (and ``MeanAccumulator`` counts and skips it).
    public func scores(eps: Double) -> SegmentationScores {
        let tp = Double(truePositives)
        let fp = Double(falsePositives)
        let fn = Double(falseNegatives)
        let tn = Double(trueNegatives)
        func ratio(_ numerator: Double, _ denominator: Double) -> Double {
            let bottom = denominator + eps
            return bottom == 0 ? .nan : (numerator + eps) / bottom
        }
        return SegmentationScores(
            pixelAccuracy: ratio(tp + tn, tp + tn + fp + fn), iou: ratio(tp, tp + fp + fn),
            dice: ratio(2 * tp, 2 * tp + fp + fn), precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn))
    }
}

/// The five pixel scores of one image (or of accumulated counts), each in `[0, 1]`.
public struct SegmentationScores: Hashable, Sendable {
    public var pixelAccuracy: Double
    public var iou: Double
    /// Dice coefficient = F1 of the foreground pixels.
    public var dice: Double
    public var precision: Double
    public var recall: Double
}

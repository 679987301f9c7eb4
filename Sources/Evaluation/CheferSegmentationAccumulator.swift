import Explainers

/// Chefer et al. 2021's ImageNet-Segmentation aggregation (hila-chefer/Transformer-Explainability @ c3e578f,
/// `baselines/ViT/imagenet_seg_eval.py` with `utils/metrices.py`; evaluation.md §4.1).
///
/// Pixel accuracy and the two per-class IoUs are accumulated over the dataset:
/// `pixAcc = sum correct / (spacing(1) + sum labelled)`, `IoU_c = sum I_c / (spacing(1) + sum U_c)` with
/// `spacing(1) = 2.22e-16` (numpy's `np.spacing(1)`), `mIoU = (IoU_bg + IoU_fg) / 2`; AP is the per-image
/// mean of ``RankedScores/averagePrecision`` over the two channels `[1 - R, R]` (`get_ap_scores`), and a
/// constant map scores Chefer's NaN-path AP (see ``averagePrecision(_:truth:)``). Chefer's masks have no void;
/// void pixels, where a dataset has them, are excluded from every count, as `metrices.py` excludes label -1.
public struct CheferSegmentationAccumulator: Sendable {
    public private(set) var counts = ConfusionCounts()
    public private(set) var averagePrecisionSum = 0.0
    public private(set) var imageCount = 0
    public private(set) var degenerateMapCount = 0

    public init() {}

    /// Adds one image: its prediction counts and its two-channel AP.
    public mutating func add(counts image: ConfusionCounts, averagePrecision: Double, condition: MapCondition) {
        counts = counts + image
        averagePrecisionSum += averagePrecision.isNaN ? 0 : averagePrecision
        imageCount += 1
        if condition != .normal { degenerateMapCount += 1 }
    }

    private static let spacing = Double.ulpOfOne  // np.spacing(1) in float64

    /// Dataset-level pixel accuracy in `[0, 1]`.
    public var pixelAccuracy: Double {
        Double(counts.truePositives + counts.trueNegatives) / (Self.spacing + Double(counts.total))
    }

    /// Dataset-level IoU of the background and the foreground class.
    public var classIoU: (background: Double, foreground: Double) {
        let background =
            Double(counts.trueNegatives)
            / (Self.spacing + Double(counts.trueNegatives + counts.falsePositives + counts.falseNegatives))
        let foreground =
            Double(counts.truePositives)
            / (Self.spacing + Double(counts.truePositives + counts.falsePositives + counts.falseNegatives))
        return (background, foreground)
    }

    /// `(IoU_bg + IoU_fg) / 2`.
    public var meanIoU: Double { (classIoU.background + classIoU.foreground) / 2 }

    /// Mean over images of the two-channel AP.
    public var meanAveragePrecision: Double { imageCount == 0 ? 0 : averagePrecisionSum / Double(imageCount) }

    /// Chefer's two-channel AP of one image: scikit-learn's AP over the `2 * H * W` scores `[1 - R, R]`
    /// (`1 - R` in float32) against the one-hot `[background, foreground]` target, void pixels dropped.
    ///
    /// Quirk, reproduced: for a constant map Chefer's min-max `(R - min) / (max - min)` is `0 / 0 = NaN` at every
    /// pixel and the script sets NaN to 0 in both AP channels, so all `2n` scores tie and the AP is the share of
    /// positives, `n / 2n = 0.5` (every non-void pixel is positive in exactly one channel). The harness's own
    /// all-zero form of that map would rank the channels `[1, 0]` and score 0.79 to 0.98 instead (issue 14).
    public static func averagePrecision(_ map: ScoreMap, truth: GroundTruth) -> Double {
        averagePrecision(ranking: RankedScores(map: map, truth: truth), condition: map.condition)
    }

    /// The two-channel AP from a map's ranking against its ground truth (``ImageLocalization/ranking``) and the
    /// map's ``MapCondition`` (a constant map takes the tie rule of ``averagePrecision(_:truth:)``).
    public static func averagePrecision(ranking: RankedScores, condition: MapCondition) -> Double {
        guard condition != .constant else {
            // All 2n scores tie at 0: sklearn's AP is then positives / samples; no sample at all is its NaN, which
            // the script's np.nan_to_num makes 0.
            let pixels = ranking.count
            return pixels == 0 ? 0 : Double(pixels) / Double(2 * pixels)
        }
        return ranking.withComplementChannel.averagePrecision
    }
}

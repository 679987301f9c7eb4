import ScoreMaps

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

    /// One image's terms of Chefer's sums, as `batch_pix_accuracy` (`correct`, `labeled`) and
    /// `batch_intersection_union` (`area_inter`, `area_union` per class) return them: what a run stores per
    /// image (`pixel-accuracy.numerator` = correct, `.denominator` = labelled; `iou-background` and
    /// `iou-foreground` the same with intersection and union).
    public struct ImageTerms: Sendable, Hashable {
        public var correct: Double
        public var labelled: Double
        public var intersection: (background: Double, foreground: Double)
        public var union: (background: Double, foreground: Double)

        /// The terms of one image's confusion counts (void pixels already excluded).
        public init(_ counts: ConfusionCounts) {
            correct = Double(counts.truePositives + counts.trueNegatives)
            labelled = Double(counts.total)
            intersection = (Double(counts.trueNegatives), Double(counts.truePositives))
            let errors = Double(counts.falsePositives + counts.falseNegatives)
            union = (Double(counts.trueNegatives) + errors, Double(counts.truePositives) + errors)
        }

        public static func == (left: ImageTerms, right: ImageTerms) -> Bool {
            left.correct == right.correct && left.labelled == right.labelled
                && left.intersection == right.intersection && left.union == right.union
        }

        public func hash(into hasher: inout Hasher) {
            for value in [correct, labelled, intersection.0, intersection.1, union.0, union.1] {
                hasher.combine(value)
            }
        }
    }

    /// Chefer's accumulated ratio `sum numerator / (spacing(1) + sum denominator)`, from the sums: the one
    /// implementation of the dataset-level pixel accuracy and class IoU, used here and by the run's tables.
    public static func ratio(numerator: Double, denominator: Double) -> Double {
        numerator / (spacing + denominator)
    }

    /// Chefer's mIoU from the dataset-level class IoUs: `IoU.mean()` over the classes (background, foreground).
    public static func meanIoU(classIoUs: [Double]) -> Double {
        var total = 0.0
        for value in classIoUs { total += value }
        return total / Double(classIoUs.count)
    }

    /// Dataset-level pixel accuracy in `[0, 1]`.
    public var pixelAccuracy: Double {
        let terms = ImageTerms(counts)
        return Self.ratio(numerator: terms.correct, denominator: terms.labelled)
    }

    /// Dataset-level IoU of the background and the foreground class.
    public var classIoU: (background: Double, foreground: Double) {
        let terms = ImageTerms(counts)
        return (
            Self.ratio(numerator: terms.intersection.background, denominator: terms.union.background),
            Self.ratio(numerator: terms.intersection.foreground, denominator: terms.union.foreground)
        )
    }

    /// `(IoU_bg + IoU_fg) / 2`.
    public var meanIoU: Double { Self.meanIoU(classIoUs: [classIoU.background, classIoU.foreground]) }

    /// Mean over images of the two-channel AP.
    public var meanAveragePrecision: Double { imageCount == 0 ? 0 : averagePrecisionSum / Double(imageCount) }

    /// Chefer's two-channel AP of one image: scikit-learn's AP over the `2 * H * W` scores `[1 - R, R]`
    /// (`1 - R` in float32) against the one-hot `[background, foreground]` target, void pixels dropped.
    ///
    /// Quirk, reproduced: for a constant map Chefer's min-max `(R - min) / (max - min)` is `0 / 0 = NaN` at every
    /// pixel and the script sets NaN to 0 in both AP channels, so all `2n` scores tie and the AP is the share of
    /// positives, `n / 2n = 0.5` (every non-void pixel is positive in exactly one channel). The harness's own
    /// all-zero form of that map would rank the channels `[1, 0]` and score 0.79 to 0.98 instead (issue 14). A
    /// map with any NaN takes the same path: torch's `min()` and `max()` propagate NaN, so the whole map is NaN.
    public static func averagePrecision(_ map: ScoreMap, truth: GroundTruth) -> Double {
        averagePrecision(ranking: RankedScores(map: map, truth: truth), condition: map.condition)
    }

    /// The two-channel AP from a map's ranking against its ground truth (``ImageLocalization/ranking``) and the
    /// map's ``MapCondition`` (a constant or non-finite map takes the tie rule of ``averagePrecision(_:truth:)``).
    public static func averagePrecision(ranking: RankedScores, condition: MapCondition) -> Double {
        guard condition == .normal else {
            // All 2n scores tie at 0: sklearn's AP is then positives / samples; no sample at all is its NaN, which
            // the script's np.nan_to_num makes 0.
            let pixels = ranking.count
            return pixels == 0 ? 0 : Double(pixels) / Double(2 * pixels)
        }
        return ranking.withComplementChannel.averagePrecision
    }
}

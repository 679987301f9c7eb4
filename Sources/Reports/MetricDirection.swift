/// Which way a metric improves: the one fact ``RegressionGate`` needs to call a change a regression.
///
/// The direction belongs to the metric's definition, so it is looked up by the metric id a run writes in
/// `per_image.csv` (``table``), never guessed from the name. An id missing from the table is an error for the
/// gate (``GateError/unknownMetric(method:metric:)``), so a new metric cannot be compared the wrong way round
/// by default. The table lives in `Reports` because `Reports` does not see `Evaluation` or `Harness` (which
/// write the rows); `HarnessTests` checks that every id a run of every built-in protocol writes is here.
public enum MetricDirection: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Larger values are better (IoU, pointing game, an insertion area, ABPC).
    case higherIsBetter = "higher"
    /// Smaller values are better (a deletion area with the most relevant pixels first, a failure count).
    case lowerIsBetter = "lower"

    public var description: String { "\(rawValue) is better" }

    /// The sign that turns `baseline - run` into "how much worse the run is": +1 when higher is better.
    public var worseningSign: Double {
        switch self {
        case .higherIsBetter: 1
        case .lowerIsBetter: -1
        }
    }

    /// The direction of every per-image and dataset-level metric id a run writes, by id.
    ///
    /// - Localization (`MapScoring`): `iou`, `dice`, `pixel-accuracy`, `precision`, `recall`, `pointing-game`,
    ///   `energy-pointing-game`, `auc-roc`, `gt-known-loc`, `top1-loc`, Chefer's `map` (AP) and the mIoU halves
    ///   `iou-background` / `iou-foreground` (with `miou`, their mean in the tables) are higher-better. Ratio
    ///   rows `X.numerator` / `X.denominator` take `X`'s direction (``direction(of:)``).
    /// - Map conditions and failures: `map-constant`, `map-nonfinite` (`MapScoring`) and `method-failed`
    ///   (`BenchmarkRun`) count what went wrong on an image, so a rise is a regression and a fall is not.
    /// - Perturbation areas `auc-<mode>-<order>` (`PerturbationScoring`): deleting the most relevant pixels
    ///   first should destroy the score fast (`auc-deletion-morf`, Chefer's "positive" perturbation, RISE
    ///   deletion: lower-better), deleting the least relevant first should keep it (`auc-deletion-lerf`,
    ///   Chefer's "negative": higher-better); inserting the most relevant first should restore it fast
    ///   (`auc-insertion-morf`, RISE insertion: higher-better) and the least relevant first slowly
    ///   (`auc-insertion-lerf`: lower-better). `abpc` = LeRF area − MoRF area is higher-better.
    /// - Dataset-level sweeps (wsolevaluation, tables only, no per-image value for the gate): `maxboxacc-iou30`,
    ///   `maxboxacc-iou50`, `maxboxacc-iou70`, `maxboxacc-v2`, `pxap` are higher-better.
    public static let table: [String: MetricDirection] = [
        "iou": .higherIsBetter,
        "dice": .higherIsBetter,
        "pixel-accuracy": .higherIsBetter,
        "precision": .higherIsBetter,
        "recall": .higherIsBetter,
        "pointing-game": .higherIsBetter,
        "energy-pointing-game": .higherIsBetter,
        "auc-roc": .higherIsBetter,
        "gt-known-loc": .higherIsBetter,
        "top1-loc": .higherIsBetter,
        "map": .higherIsBetter,
        "miou": .higherIsBetter,
        "iou-background": .higherIsBetter,
        "iou-foreground": .higherIsBetter,
        "map-constant": .lowerIsBetter,
        "map-nonfinite": .lowerIsBetter,
        "method-failed": .lowerIsBetter,
        "auc-deletion-morf": .lowerIsBetter,
        "auc-deletion-lerf": .higherIsBetter,
        "auc-insertion-morf": .higherIsBetter,
        "auc-insertion-lerf": .lowerIsBetter,
        "abpc": .higherIsBetter,
        "maxboxacc-iou30": .higherIsBetter,
        "maxboxacc-iou50": .higherIsBetter,
        "maxboxacc-iou70": .higherIsBetter,
        "maxboxacc-v2": .higherIsBetter,
        "pxap": .higherIsBetter,
    ]

    /// Metric ids that count what went wrong on an image (a constant or non-finite map, a failed method). The
    /// gate compares them without the bootstrap: any rise of their paired mean beyond their tolerance, which is
    /// 0 unless given, is a regression, so one new failure in a run cannot hide in the resampling noise.
    public static let failureCounts: Set<String> = ["map-constant", "map-nonfinite", "method-failed"]

    /// Metric ids a run writes only on the images where the event happened (`method-failed`): an image the
    /// method has other rows on counts as 0, so a new failure is compared rather than silently unpaired.
    public static let recordedOnlyWhenNonzero: Set<String> = ["method-failed"]

    /// The direction of `metric` as written in `per_image.csv`: a ratio half (`X.numerator`, `X.denominator`)
    /// has `X`'s; nil for an id that is not in ``table``.
    public static func direction(of metric: String) -> MetricDirection? {
        for suffix in [".numerator", ".denominator"] where metric.hasSuffix(suffix) {
            return table[String(metric.dropLast(suffix.count))]
        }
        return table[metric]
    }
}

/// One metric a run reports: what it is computed from, how per-image values become a table entry, which way it
/// improves, its range and the code it reproduces.
///
/// Every number in `per_image.csv`, `summary.csv`, `per_class.csv`, `summary.md`, `bench protocols` and
/// `bench gate` is named by a `Metric`, and each consumer switches over the cases, so a metric missing from a
/// consumer is a compile-time error and a protocol can only list metrics that exist. The ``id`` is the name in
/// the tables; two cases share an id only where they are the same quantity under two aggregations
/// (``pixelAccuracy`` per image and ``cheferPixelAccuracy`` over the dataset are both `pixel-accuracy`), and the
/// tables' `protocol` column tells them apart. Their per-image rows differ (``rowIDs``), so rows are never
/// ambiguous (``init(rowID:)``).
public enum Metric: Sendable, Hashable, CustomStringConvertible {
    // MARK: Per-image localization (LocalizationEvaluator), mean over images

    /// `(TP + TN + eps) / (N + eps)` of the binary map (or its boxes) against the ground truth.
    case pixelAccuracy
    /// `(TP + eps) / (TP + FP + FN + eps)`.
    case iou
    /// `(2 TP + eps) / (2 TP + FP + FN + eps)` (= F1).
    case dice
    /// `(TP + eps) / (TP + FP + eps)`.
    case precision
    /// `(TP + eps) / (TP + FN + eps)`.
    case recall
    /// 1 when the map's maximum lies in the ground truth (a degenerate map scores 0).
    case pointingGame
    /// The share of the map's energy inside the ground-truth boxes (Score-CAM's energy-based pointing game).
    case energyPointingGame
    /// scikit-learn's `roc_auc_score` of the map's values against the ground-truth pixels.
    case aucROC
    /// 1 when some extracted box has IoU >= the protocol's first box IoU threshold with a ground-truth box.
    case groundTruthKnownLocalization
    /// GT-known localization and a correct top-1 prediction.
    case top1Localization

    // MARK: Chefer et al. 2021, dataset-level

    /// `sum correct / (spacing(1) + sum labelled)` over the dataset.
    case cheferPixelAccuracy
    /// One class's `sum I / (spacing(1) + sum U)` over the dataset (background or foreground).
    case cheferClassIoU(foreground: Bool)
    /// The mean of the background and foreground dataset IoUs.
    case cheferMeanIoU
    /// The per-image mean of the two-channel average precision.
    case cheferAveragePrecision

    // MARK: wsolevaluation, dataset-level sweeps

    /// MaxBoxAcc at one IoU threshold (percent): the best map threshold's share of images with a correct box.
    case maxBoxAccuracy(iouThreshold: Int)
    /// MaxBoxAccV2: the mean of MaxBoxAcc at IoU 30, 50 and 70 (all contours).
    case maxBoxAccuracyV2
    /// MaxBoxAccV1: MaxBoxAcc at IoU 50 with the largest contour's box.
    case maxBoxAccuracyV1
    /// PxAP: the average precision of the pixel scores pooled over the images with masks.
    case pixelAP

    // MARK: Perturbation

    /// The area of one perturbation curve under the protocol's rule, per image, mean over images.
    case perturbationArea(PerturbationSettings.Curve)
    /// AG-CAM's ABPC: the LeRF deletion area minus the MoRF deletion area.
    case abpc

    // MARK: What went wrong

    /// 1 when the method's map was constant (normalised to zeros).
    case mapConstant
    /// 1 when the method's map had NaN or infinite values.
    case mapNonFinite
    /// 1 when the method failed on the image (written only then).
    case methodFailed

    /// How per-image rows become one table entry.
    public enum Aggregation: Sendable, Hashable {
        /// The mean over the images where the value is defined (NaN = undefined is left out); the protocol's eps
        /// is inside each per-image value. Bootstrap interval and per-class means.
        case perImageMean
        /// `sum numerator / (spacing(1) + sum denominator)` over the images (Chefer's accumulation).
        case datasetRatio
        /// The mean of several ``datasetRatio`` metrics, each accumulated over the dataset first.
        case meanOfDatasetRatios([Metric])
        /// The best threshold's share of images with the outcome (one image's 0/1 outcome stored as its changes
        /// over the threshold indices). No interval (wsolevaluation reports none), no per-class entry.
        case thresholdSweep(iouThreshold: Int)
        /// The mean of several ``thresholdSweep`` metrics.
        case meanOfThresholdSweeps([Int])
        /// Average precision of score histograms pooled over the images (`sweep_histograms.csv`).
        case pooledHistograms

        /// How the tables combine the images, for `bench protocols`.
        public var summary: String {
            switch self {
            case .perImageMean: "per-image mean"
            case .datasetRatio: "dataset ratio of sums"
            case .meanOfDatasetRatios(let components):
                "mean of dataset ratios (\(components.map(\.id).joined(separator: ", ")))"
            case .thresholdSweep: "best threshold of the sweep"
            case .meanOfThresholdSweeps(let iouThresholds):
                "mean of MaxBoxAcc at IoU \(iouThresholds.map(String.init).joined(separator: "/"))"
            case .pooledHistograms: "pooled histograms"
            }
        }

        /// Whether the entry is a dataset-level optimum or pooled value without bootstrap interval.
        public var isSweep: Bool {
            switch self {
            case .thresholdSweep, .meanOfThresholdSweeps, .pooledHistograms: true
            case .perImageMean, .datasetRatio, .meanOfDatasetRatios: false
            }
        }
    }

    /// What the per-image value is computed from.
    public enum Source: String, Sendable, Hashable {
        case binaryMap = "the binary map (or its boxes) against the ground truth"
        case scoreMap = "the normalised map's values against the ground truth"
        case sweep = "the map binarised at every threshold of the sweep"
        case perturbationCurve = "the model's scores on the perturbed images"
        case mapCondition = "what min-max normalisation found in the map"
        case methodOutcome = "whether the method produced a map"
    }

    /// Which way a metric improves: what the gate needs to call a change a regression.
    public enum Direction: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case higherIsBetter = "higher"
        case lowerIsBetter = "lower"

        public var description: String { "\(rawValue) is better" }

        /// The sign that turns `baseline - run` into "how much worse the run is": +1 when higher is better.
        public var worseningSign: Double {
            switch self {
            case .higherIsBetter: 1
            case .lowerIsBetter: -1
            }
        }
    }

    /// The name in the tables and the base of the per-image row ids.
    public var id: String {
        switch self {
        case .pixelAccuracy, .cheferPixelAccuracy: "pixel-accuracy"
        case .iou: "iou"
        case .dice: "dice"
        case .precision: "precision"
        case .recall: "recall"
        case .pointingGame: "pointing-game"
        case .energyPointingGame: "energy-pointing-game"
        case .aucROC: "auc-roc"
        case .groundTruthKnownLocalization: "gt-known-loc"
        case .top1Localization: "top1-loc"
        case .cheferClassIoU(let foreground): foreground ? "iou-foreground" : "iou-background"
        case .cheferMeanIoU: "miou"
        case .cheferAveragePrecision: "map"
        case .maxBoxAccuracy(let iouThreshold): "\(Self.maxBoxAccuracyPrefix)\(iouThreshold)"
        case .maxBoxAccuracyV2: "maxboxacc-v2"
        case .maxBoxAccuracyV1: "maxboxacc-v1"
        case .pixelAP: "pxap"
        case .perturbationArea(let curve): "auc-\(curve.mode.rawValue)-\(curve.order.rawValue)"
        case .abpc: "abpc"
        case .mapConstant: "map-constant"
        case .mapNonFinite: "map-nonfinite"
        case .methodFailed: "method-failed"
        }
    }

    public var description: String { id }

    public var aggregation: Aggregation {
        switch self {
        case .pixelAccuracy, .iou, .dice, .precision, .recall, .pointingGame, .energyPointingGame, .aucROC,
            .groundTruthKnownLocalization, .top1Localization, .cheferAveragePrecision, .perturbationArea, .abpc,
            .mapConstant, .mapNonFinite, .methodFailed:
            .perImageMean
        case .cheferPixelAccuracy, .cheferClassIoU: .datasetRatio
        case .cheferMeanIoU:
            .meanOfDatasetRatios([.cheferClassIoU(foreground: false), .cheferClassIoU(foreground: true)])
        case .maxBoxAccuracy(let iouThreshold): .thresholdSweep(iouThreshold: iouThreshold)
        case .maxBoxAccuracyV2: .meanOfThresholdSweeps([30, 50, 70])
        case .maxBoxAccuracyV1: .meanOfThresholdSweeps([50])
        case .pixelAP: .pooledHistograms
        }
    }

    public var source: Source {
        switch self {
        case .pixelAccuracy, .iou, .dice, .precision, .recall, .groundTruthKnownLocalization, .top1Localization,
            .cheferPixelAccuracy, .cheferClassIoU, .cheferMeanIoU:
            .binaryMap
        case .pointingGame, .energyPointingGame, .aucROC, .cheferAveragePrecision: .scoreMap
        case .maxBoxAccuracy, .maxBoxAccuracyV2, .maxBoxAccuracyV1, .pixelAP: .sweep
        case .perturbationArea, .abpc: .perturbationCurve
        case .mapConstant, .mapNonFinite: .mapCondition
        case .methodFailed: .methodOutcome
        }
    }

    public var direction: Direction {
        switch self {
        case .perturbationArea(let curve):
            // Deleting the most relevant pixels first should destroy the score fast, the least relevant first
            // keep it; inserting the most relevant first should restore it fast, the least relevant first slowly.
            switch (curve.mode, curve.order) {
            case (.deletion, .mostRelevantFirst), (.insertion, .leastRelevantFirst): .lowerIsBetter
            case (.deletion, .leastRelevantFirst), (.insertion, .mostRelevantFirst): .higherIsBetter
            }
        case .mapConstant, .mapNonFinite, .methodFailed: .lowerIsBetter
        case .pixelAccuracy, .iou, .dice, .precision, .recall, .pointingGame, .energyPointingGame, .aucROC,
            .groundTruthKnownLocalization, .top1Localization, .cheferPixelAccuracy, .cheferClassIoU, .cheferMeanIoU,
            .cheferAveragePrecision, .maxBoxAccuracy, .maxBoxAccuracyV2, .maxBoxAccuracyV1, .pixelAP, .abpc:
            .higherIsBetter
        }
    }

    /// The values a per-image row or table entry can take (fractions; tables print x100).
    public var range: ClosedRange<Double> {
        self == .abpc ? -1...1 : 0...1
    }

    /// The published code this metric reproduces (repository @ commit, file), or the harness's own rule.
    public var reference: String {
        switch self {
        case .pixelAccuracy, .iou, .dice, .precision, .recall:
            "LeemSaebom/Attention-Guided-CAM @ 7202d31 localization.py (with the protocol's eps)"
        case .pointingGame: "Zhang et al. 2018, TorchRay pointing_game (tolerance 0; degenerate maps miss)"
        case .energyPointingGame: "haofanwang/Score-CAM energy-based pointing game"
        case .aucROC: "scikit-learn roc_auc_score"
        case .groundTruthKnownLocalization, .top1Localization: "clovaai/wsolevaluation @ 96f4b88 evaluation.py"
        case .cheferPixelAccuracy, .cheferClassIoU, .cheferMeanIoU, .cheferAveragePrecision:
            "hila-chefer/Transformer-Explainability @ c3e578f imagenet_seg_eval.py, utils/metrices.py"
        case .maxBoxAccuracy, .maxBoxAccuracyV2, .maxBoxAccuracyV1, .pixelAP:
            "clovaai/wsolevaluation @ 96f4b88 evaluation.py"
        case .perturbationArea:
            "hila-chefer/Transformer-Explainability pertubation_eval_from_hdf5.py; AG-CAM ABPC.py; RISE evaluation.py"
        case .abpc: "LeemSaebom/Attention-Guided-CAM @ 7202d31 ABPC.py"
        case .mapConstant, .mapNonFinite, .methodFailed: "this harness (counted, never averaged into a score)"
        }
    }

    /// A one-line description for `bench protocols`.
    public var summary: String {
        switch self {
        case .pixelAccuracy: "pixel accuracy"
        case .iou: "intersection over union"
        case .dice: "Dice coefficient (F1)"
        case .precision: "precision"
        case .recall: "recall"
        case .pointingGame: "pointing game hit"
        case .energyPointingGame: "energy inside the ground truth"
        case .aucROC: "area under the ROC curve"
        case .groundTruthKnownLocalization: "GT-known localization"
        case .top1Localization: "top-1 localization"
        case .cheferPixelAccuracy: "dataset-level pixel accuracy"
        case .cheferClassIoU(let foreground): "dataset-level \(foreground ? "foreground" : "background") IoU"
        case .cheferMeanIoU: "dataset-level 2-class mIoU"
        case .cheferAveragePrecision: "mean two-channel average precision"
        case .maxBoxAccuracy(let iouThreshold): "MaxBoxAcc at IoU \(iouThreshold)"
        case .maxBoxAccuracyV2: "MaxBoxAccV2 (IoU 30/50/70)"
        case .maxBoxAccuracyV1: "MaxBoxAcc (v1, largest contour, IoU 50)"
        case .pixelAP: "PxAP (pooled pixel average precision)"
        case .perturbationArea(let curve): "area under the \(curve.mode.rawValue) \(curve.order.rawValue) curve"
        case .abpc: "ABPC (LeRF area - MoRF area)"
        case .mapConstant: "constant maps"
        case .mapNonFinite: "maps with NaN or infinity"
        case .methodFailed: "method failures"
        }
    }

    /// Metrics that count what went wrong on an image. The gate compares them without the bootstrap: any rise
    /// of their paired mean beyond their tolerance, 0 unless given, is a regression.
    public var isFailureCount: Bool { source == .mapCondition || source == .methodOutcome }

    /// Whether a run writes the metric only on images where the event happened (`method-failed`): an image the
    /// method has other rows on counts as 0.
    public var isRecordedOnlyWhenNonzero: Bool { self == .methodFailed }

    /// The map-condition flags, reported as counts in `summary.md` rather than as columns.
    public var isMapCondition: Bool { source == .mapCondition }

    /// The id of ``maxBoxAccuracy(iouThreshold:)`` is this prefix and the threshold in percent.
    static let maxBoxAccuracyPrefix = "maxboxacc-iou"

    /// The metrics every evaluated map gets, before the protocol's own.
    public static let mapConditions: [Metric] = [.mapConstant, .mapNonFinite]
}

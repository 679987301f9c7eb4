/// The id of one row of `per_image.csv`: what a ``Metric`` stores per image, and the one place where that
/// format is written and read.
///
/// - ``value(_:)``: a per-image value, the row id is the metric's id (`iou`, `auc-deletion-morf`);
/// - ``numerator(_:)`` / ``denominator(_:)``: the two halves of a ``Metric/Aggregation/datasetRatio`` metric
///   (`pixel-accuracy.numerator`), Chefer's per-image `correct, labelled` and `I_c, U_c`;
/// - ``sweepChange(_:threshold:)``: a ``Metric/Aggregation/thresholdSweep(iouThreshold:)`` metric's change of
///   the image's 0/1 outcome at threshold index `K` (`sweep:maxboxacc-iou50@K`; the row at `K = 0` is always
///   written, it marks the image as counted);
/// - ``curvePoint(_:position:)``: one step of a perturbation curve (`curve:deletion-morf@0.1`), averaged per
///   step into `curves.csv`.
public enum MetricRow: Sendable, Hashable {
    case value(Metric)
    case numerator(Metric)
    case denominator(Metric)
    case sweepChange(Metric, threshold: Int)
    case curvePoint(PerturbationSettings.Curve, position: Double)

    private static let numeratorSuffix = ".numerator"
    private static let denominatorSuffix = ".denominator"
    private static let sweepPrefix = "sweep:"
    private static let curvePrefix = "curve:"

    /// The row id as written in `per_image.csv`.
    public var id: String {
        switch self {
        case .value(let metric): metric.id
        case .numerator(let metric): metric.id + Self.numeratorSuffix
        case .denominator(let metric): metric.id + Self.denominatorSuffix
        case .sweepChange(let metric, let threshold): "\(Self.sweepPrefix)\(metric.id)@\(threshold)"
        case .curvePoint(let curve, let position): "\(Self.curvePrefix)\(curve.id)@\(position)"
        }
    }

    /// The metric the row belongs to; nil for curve points, which belong to no single metric.
    public var metric: Metric? {
        switch self {
        case .value(let metric), .numerator(let metric), .denominator(let metric), .sweepChange(let metric, _):
            metric
        case .curvePoint: nil
        }
    }

    /// Reads a row id; nil for an id no metric writes.
    public init?(id: String) {
        if id.hasPrefix(Self.curvePrefix) {
            guard let (name, suffix) = Self.split(id.dropFirst(Self.curvePrefix.count)),
                let curve = PerturbationSettings.Curve(id: name), let position = Double(suffix)
            else { return nil }
            self = .curvePoint(curve, position: position)
        } else if id.hasPrefix(Self.sweepPrefix) {
            guard let (name, suffix) = Self.split(id.dropFirst(Self.sweepPrefix.count)),
                let threshold = Int(suffix), threshold >= 0, let metric = Metric(sweepID: name)
            else { return nil }
            self = .sweepChange(metric, threshold: threshold)
        } else if id.hasSuffix(Self.numeratorSuffix) || id.hasSuffix(Self.denominatorSuffix) {
            let isNumerator = id.hasSuffix(Self.numeratorSuffix)
            let name = id.dropLast(isNumerator ? Self.numeratorSuffix.count : Self.denominatorSuffix.count)
            guard
                let metric = Metric.rowMetrics.first(where: { $0.id == name && $0.aggregation == .datasetRatio })
            else { return nil }
            self = isNumerator ? .numerator(metric) : .denominator(metric)
        } else {
            guard let metric = Metric.rowMetrics.first(where: { $0.id == id && $0.aggregation == .perImageMean })
            else { return nil }
            self = .value(metric)
        }
    }

    /// `(name, suffix)` of `name@suffix`.
    private static func split(_ text: Substring) -> (String, String)? {
        guard let at = text.lastIndex(of: "@") else { return nil }
        return (String(text[..<at]), String(text[text.index(after: at)...]))
    }
}

extension Metric {
    /// Every metric that writes per-image value or ratio rows, for reading row ids back.
    static let rowMetrics: [Metric] =
        [
            .pixelAccuracy, .iou, .dice, .precision, .recall, .pointingGame, .energyPointingGame, .aucROC,
            .groundTruthKnownLocalization, .top1Localization, .cheferPixelAccuracy,
            .cheferClassIoU(foreground: false), .cheferClassIoU(foreground: true), .cheferAveragePrecision,
            .abpc, .mapConstant, .mapNonFinite, .methodFailed,
        ]
        + PerturbationSettings.Mode.allCases.flatMap { mode in
            PerturbationSettings.Order.allCases.map { .perturbationArea(.init(mode: mode, order: $0)) }
        }

    /// The threshold-sweep metric called `id` (`maxboxacc-iou50`).
    init?(sweepID id: String) {
        let prefix = Self.maxBoxAccuracyPrefix
        guard id.hasPrefix(prefix), let threshold = Int(id.dropFirst(prefix.count)), (1...100).contains(threshold)
        else { return nil }
        self = .maxBoxAccuracy(iouThreshold: threshold)
    }

    /// Whether a run writes per-image rows of this metric (not for metrics computed from other metrics or
    /// from histograms).
    public var writesRows: Bool {
        switch aggregation {
        case .perImageMean, .datasetRatio, .thresholdSweep: true
        case .meanOfDatasetRatios, .meanOfThresholdSweeps, .pooledHistograms: false
        }
    }
}

extension PerturbationSettings.Curve {
    /// `deletion-morf`, `insertion-lerf`, ...: the curve's name in row ids and `curves.csv`.
    public var id: String { "\(mode.rawValue)-\(order.rawValue)" }

    /// The curve called `id`.
    public init?(id: String) {
        let parts = id.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let mode = PerturbationSettings.Mode(rawValue: String(parts[0])),
            let order = PerturbationSettings.Order(rawValue: String(parts[1]))
        else { return nil }
        self.init(mode: mode, order: order)
    }
}

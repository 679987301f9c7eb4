/// A named bundle of every evaluation choice, so a paper's numbers are reproduced by name and every output
/// row records how it was computed.
///
/// `bench protocols` prints ``settingLines`` of each built-in protocol.
public struct EvaluationProtocol: Sendable, Hashable {
    /// Which images enter the averages.
    public enum ImageFilter: Sendable, Hashable {
        case all
        /// AG-CAM localization: only images whose top-1 class equals the label.
        case correctOnly
        /// Only images whose top-1 softmax probability exceeds the value (Coporan 2025: 0.85).
        case topProbabilityAbove(Double)
    }

    /// Where the ground truth comes from.
    public enum GroundTruthSource: String, Sendable, Hashable, CaseIterable {
        /// The target class's segmentation mask where the dataset has one, its boxes otherwise.
        case segmentationElseBoxes = "segmentation-else-boxes"
        /// The union of the target class's boxes (inclusive fill).
        case boxes
        /// The target class's segmentation mask (void ignored); images without one are skipped.
        case segmentation
    }

    /// What the binary map is compared with the ground truth as.
    public enum PredictedRegion: Sendable, Hashable {
        /// The binary map's pixels.
        case pixels
        /// Boxes extracted from the binary map, rasterised with inclusive fill.
        case boxes(BoxExtraction)
    }

    /// How per-image pixel scores become one number.
    public enum Aggregation: Sendable, Hashable {
        /// Mean over images of per-image scores with `eps` added to numerator and denominator.
        case perImageMean(eps: Double)
        /// Chefer: counts summed over the dataset, then the ratios (pixel accuracy, 2-class mIoU); AP per image.
        case datasetAccumulated
    }

    public var name: String
    public var summary: String
    public var reference: String
    public var mapClass: TargetClass
    /// Which label an image with several labels takes, and whose ground truth its maps are scored against.
    public var labelRule: LabelRule
    public var imageFilter: ImageFilter
    public var groundTruth: GroundTruthSource
    public var boxScaling: BoxScaling
    public var threshold: ThresholdPolicy
    public var predictedRegion: PredictedRegion
    public var aggregation: Aggregation
    /// Map and ground-truth resolution (224: every reference evaluates at 224x224).
    public var mapSize: Int
    /// The metrics reported, in table order (the map-condition counts and method failures, which every
    /// protocol reports, are not listed: see ``tableMetrics``).
    public var metrics: [Metric]
    /// IoU thresholds (percent) for box metrics.
    public var boxIoUThresholds: [Int]
    public var perturbation: PerturbationSettings?
    /// How masks are brought to ``mapSize``.
    public var maskResampling: MaskResampling

    /// A protocol; every metric must be computable under the settings (``problems``), or construction traps:
    /// a protocol is a definition in code, so an inconsistent one is a programming error that the built-in
    /// protocols' test catches.
    public init(
        name: String, summary: String, reference: String, mapClass: TargetClass, labelRule: LabelRule,
        imageFilter: ImageFilter, groundTruth: GroundTruthSource, boxScaling: BoxScaling, threshold: ThresholdPolicy,
        predictedRegion: PredictedRegion, aggregation: Aggregation, mapSize: Int, metrics: [Metric],
        boxIoUThresholds: [Int], perturbation: PerturbationSettings?, maskResampling: MaskResampling = .pillowNearest
    ) {
        self.name = name
        self.summary = summary
        self.reference = reference
        self.mapClass = mapClass
        self.labelRule = labelRule
        self.imageFilter = imageFilter
        self.groundTruth = groundTruth
        self.boxScaling = boxScaling
        self.threshold = threshold
        self.predictedRegion = predictedRegion
        self.aggregation = aggregation
        self.mapSize = mapSize
        self.metrics = metrics
        self.boxIoUThresholds = boxIoUThresholds
        self.perturbation = perturbation
        self.maskResampling = maskResampling
        let problems = self.problems
        precondition(problems.isEmpty, "protocol \(name): \(problems.joined(separator: "; "))")
    }

    /// Why some metric cannot be computed under these settings (empty when every one can): a sweep metric
    /// needs a sweep threshold and its IoU thresholds, a Chefer metric the dataset-accumulated aggregation, a
    /// per-image localization metric the per-image one, a curve area its curve; ids are unique, and the
    /// counts every protocol reports are not listed.
    public var problems: [String] {
        var problems: [String] = []
        var isSweep = false
        if case .sweep = threshold { isSweep = true }
        var isAccumulated = false
        if case .datasetAccumulated = aggregation { isAccumulated = true }
        let curves = Set(perturbation?.curves ?? [])
        var seen: Set<String> = []
        for metric in metrics {
            if !seen.insert(metric.id).inserted { problems.append("\(metric.id) is listed twice") }
            switch metric {
            case .pixelAccuracy, .iou, .dice, .precision, .recall, .pointingGame, .energyPointingGame, .aucROC:
                if isSweep || isAccumulated { problems.append("\(metric.id) needs per-image means") }
            case .groundTruthKnownLocalization, .top1Localization:
                if isSweep || isAccumulated { problems.append("\(metric.id) needs per-image means") }
                if boxIoUThresholds.isEmpty { problems.append("\(metric.id) needs a box IoU threshold") }
            case .cheferPixelAccuracy, .cheferClassIoU, .cheferMeanIoU, .cheferAveragePrecision:
                if isSweep || !isAccumulated {
                    problems.append("\(metric.id) needs the dataset-accumulated aggregation")
                }
            case .maxBoxAccuracy, .maxBoxAccuracyV2, .maxBoxAccuracyV1:
                guard isSweep else {
                    problems.append("\(metric.id) needs a threshold sweep")
                    continue
                }
                let needed: [Int]
                switch metric.aggregation {
                case .thresholdSweep(let iouThreshold): needed = [iouThreshold]
                case .meanOfThresholdSweeps(let iouThresholds): needed = iouThresholds
                case .perImageMean, .datasetRatio, .meanOfDatasetRatios, .pooledHistograms: needed = []
                }
                for iouThreshold in needed where !boxIoUThresholds.contains(iouThreshold) {
                    problems.append("\(metric.id) needs IoU threshold \(iouThreshold)")
                }
            case .pixelAP:
                if !isSweep { problems.append("pxap needs a threshold sweep") }
            case .perturbationArea(let curve):
                if !curves.contains(curve) { problems.append("\(metric.id) needs the \(curve.id) curve") }
            case .abpc:
                if !curves.isSuperset(of: [.deletionMoRF, .deletionLeRF]) {
                    problems.append("abpc needs both deletion curves")
                }
            case .mapConstant, .mapNonFinite, .methodFailed:
                problems.append("\(metric.id) is reported by every protocol and is not listed")
            }
        }
        return problems
    }

    /// Every metric of the tables, in order: the map conditions, the protocol's ``metrics``, method failures.
    public var tableMetrics: [Metric] { Metric.mapConditions + metrics + [.methodFailed] }

    /// The built-in protocols, the default first.
    public static let builtIn: [EvaluationProtocol] = [
        .otsu, .agc2024, .chefer2021, .wsoleval, .wsolevalV1, .coporan2025,
    ]

    /// The built-in protocol called `name`.
    /// - Throws: ``EvaluationError/badSetting(_:_:)`` listing the known names.
    public static func named(_ name: String) throws -> EvaluationProtocol {
        guard let found = builtIn.first(where: { $0.name == name }) else {
            throw EvaluationError.badSetting(
                name, "unknown protocol (known: \(builtIn.map(\.name).joined(separator: ", ")))")
        }
        return found
    }

    /// `key = value` lines describing every setting.
    public var settingLines: [(key: String, value: String)] {
        var lines: [(key: String, value: String)] = [
            ("reference", reference),
            ("map-class", mapClass.rawValue),
            ("label-rule", "\(labelRule.rawValue): \(labelRule.summary)"),
            ("images", Self.describe(imageFilter)),
            ("ground-truth", groundTruth.rawValue),
            ("box-scaling", groundTruth == .segmentation ? "n/a" : boxScaling.rawValue),
            ("mask-resize", groundTruth == .boxes ? "n/a" : maskResampling.rawValue),
            ("threshold", threshold.name),
            ("predicted-region", Self.describe(predictedRegion)),
            ("aggregation", Self.describe(aggregation, threshold: threshold)),
            ("map-size", "\(mapSize)x\(mapSize)"),
            ("metrics", metrics.map(\.id).joined(separator: ",")),
            (
                "box-iou-thresholds",
                boxIoUThresholds.isEmpty ? "none" : boxIoUThresholds.map(String.init).joined(separator: ",")
            ),
            ("constant-or-nan-maps", "normalised to all zeros, counted; no foreground under every threshold"),
        ]
        lines += perturbation?.settingLines ?? [("perturbation", "none")]
        return lines
    }

    private static func describe(_ filter: ImageFilter) -> String {
        switch filter {
        case .all: "all"
        case .correctOnly: "correctly classified only"
        case .topProbabilityAbove(let value): "top-1 probability > \(value)"
        }
    }

    private static func describe(_ region: PredictedRegion) -> String {
        switch region {
        case .pixels: "pixels"
        case .boxes(let extraction): "boxes \(extraction.rawValue)"
        }
    }

    private static func describe(_ aggregation: Aggregation, threshold: ThresholdPolicy) -> String {
        if case .sweep = threshold {
            return "dataset-level: MaxBoxAcc at the best threshold of the sweep, PxAP from histograms pooled over "
                + "the images with masks; no intervals"
        }
        return switch aggregation {
        case .perImageMean(let eps): "per-image mean, eps \(eps)"
        case .datasetAccumulated: "dataset-accumulated pixel accuracy and mIoU, per-image mean AP"
        }
    }
}

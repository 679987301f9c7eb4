/// Every per-image localization number of one map under one protocol.
public struct ImageLocalization: Sendable {
    /// The binarisation threshold (see ``ThresholdPolicy/Binarization/threshold``).
    public var threshold: Double
    /// The predicted region that was scored (the binary map, or the rasterised boxes).
    public var prediction: BinaryMask
    /// Boxes extracted from the binary map (AG-CAM external contours; wsolevaluation largest contour).
    public var boxes: [PixelBox]
    public var counts: ConfusionCounts
    /// Pixel scores with the protocol's eps (0 for dataset-accumulated protocols).
    public var scores: SegmentationScores
    /// Best IoU of the predicted boxes with a ground-truth box (nil without ground-truth boxes).
    public var bestBoxIoU: Double?
    public var pointingHit: Bool
    public var energy: Double
    public var rocAUC: Double?
    /// The map's scores ranked against the ground truth (non-void pixels), for AUC-ROC and, with
    /// ``CheferSegmentationAccumulator/averagePrecision(ranking:condition:)``, Chefer's AP without sorting again.
    public var ranking: RankedScores
}

/// Computes ``ImageLocalization`` for one map: threshold, prediction, pixel scores, box IoU, pointing games
/// and AUC-ROC. Dataset-level numbers (Chefer, PxAP, MaxBoxAcc) come from the accumulators.
public enum LocalizationEvaluator {
    /// Evaluates `map` against `truth` (same size) with `threshold`, `region` and `eps`.
    /// - Throws: ``EvaluationError/sizeMismatch(_:)``.
    public static func evaluate(
        _ map: ScoreMap, truth: GroundTruth, threshold: ThresholdPolicy,
        region: EvaluationProtocol.PredictedRegion = .pixels, eps: Double = 0
    ) throws -> ImageLocalization {
        guard map.width == truth.width, map.height == truth.height else {
            throw EvaluationError.sizeMismatch(
                "map is \(map.width)x\(map.height), ground truth is \(truth.width)x\(truth.height)")
        }
        let binarization = threshold.binarize(map)
        var prediction = binarization.mask
        var boxes: [PixelBox] = []
        switch region {
        case .pixels:
            boxes = BoxExtraction.wsolLargest.boxes(in: prediction)
        case .boxes(let extraction):
            boxes = extraction.boxes(in: prediction)
            var filled = BinaryMask(width: map.width, height: map.height)
            // wsolevaluation's placeholder [0, 0, 0, 0] is not a prediction; AG-CAM draws nothing then.
            if prediction.foregroundCount > 0 { for box in boxes { filled.fill(box) } }
            prediction = filled
        }
        let counts = ConfusionCounts(prediction: prediction, truth: truth)
        let ranking = RankedScores(map: map, truth: truth)
        return ImageLocalization(
            threshold: binarization.threshold, prediction: prediction, boxes: boxes, counts: counts,
            scores: counts.scores(eps: eps),
            bestBoxIoU: truth.boxes.isEmpty ? nil : BoxExtraction.bestIoU(boxes, truth.boxes),
            pointingHit: PointingGame.hit(map, truth: truth), energy: PointingGame.energy(map, truth: truth),
            rocAUC: ranking.rocAUC, ranking: ranking)
    }
}

extension ImageLocalization {
    /// GT-known localization (CAM / ILSVRC convention, evaluation.md §1.8): the box from the ground-truth
    /// class's map overlaps a ground-truth box with IoU `>= iouThreshold` (0.5).
    public func isGroundTruthKnownHit(iouThreshold: Double = 0.5) -> Bool { (bestBoxIoU ?? 0) >= iouThreshold }

    /// Top-1 localization: the top-1 class is the label **and** the box test passes.
    public func isTop1Hit(predictedCorrectly: Bool, iouThreshold: Double = 0.5) -> Bool {
        predictedCorrectly && isGroundTruthKnownHit(iouThreshold: iouThreshold)
    }
}

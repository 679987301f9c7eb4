extension EvaluationProtocol {
    /// The default: Otsu on the 8-bit map, segmentation masks where the dataset has them and boxes otherwise,
    /// the predicted class, all images, per-image means (no eps: undefined ratios are counted, not averaged).
    public static let otsu = EvaluationProtocol(
        name: "otsu", summary: "Otsu threshold, masks else boxes, predicted class, all images, per-image means",
        reference: "this harness (evaluation.md §5.2, §9)", mapClass: .predicted,
        labelRule: .targetClass, imageFilter: .all,
        groundTruth: .segmentationElseBoxes, boxScaling: .wsolevaluation, threshold: .otsu(.skimage),
        predictedRegion: .pixels, aggregation: .perImageMean(eps: 0), mapSize: 224,
        metrics: [
            .pixelAccuracy, .iou, .dice, .precision, .recall, .pointingGame, .energyPointingGame, .aucROC,
            .groundTruthKnownLocalization, .top1Localization,
        ],
        boxIoUThresholds: [50], perturbation: nil)

    /// Leem & Seo 2024 (AG-CAM `localization.py` and `ABPC.py`, methods.md §1.3): correct-only, fixed 0.5 on
    /// the min-max map, bounding boxes of all external contours (one-pixel overshoot) rasterised, box ground truth
    /// `int(x / W * 224)` with inclusive fill, per-image means with eps 1e-5; ABPC on the label, all images.
    public static let agc2024 = EvaluationProtocol(
        name: "agc2024",
        summary: "AG-CAM: correct-only, fixed 0.5, external contour boxes vs box GT, eps 1e-5; ABPC",
        reference: "LeemSaebom/Attention-Guided-CAM @ 7202d31 localization.py, ABPC.py", mapClass: .predicted,
        labelRule: .targetClass,
        imageFilter: .correctOnly, groundTruth: .boxes, boxScaling: .agc2024, threshold: .fixed(0.5),
        predictedRegion: .boxes(.agcExternal), aggregation: .perImageMean(eps: 1e-5), mapSize: 224,
        metrics: [
            .pixelAccuracy, .iou, .dice, .precision, .recall, .perturbationArea(.deletionMoRF),
            .perturbationArea(.deletionLeRF), .abpc,
        ],
        boxIoUThresholds: [],
        perturbation: .agc2024)

    /// Chefer et al. 2021 (`imagenet_seg_eval.py`, `pertubation_eval_from_hdf5.py`; evaluation.md §4): mean
    /// threshold, dataset-level pixel accuracy and 2-class mIoU, per-image two-channel AP; positive and
    /// negative perturbation.
    public static let chefer2021 = EvaluationProtocol(
        name: "chefer2021",
        summary: "Chefer: mean threshold, dataset-level pixel accuracy and mIoU, per-image mAP; perturbation",
        reference: "hila-chefer/Transformer-Explainability @ c3e578f imagenet_seg_eval.py", mapClass: .predicted,
        labelRule: .targetClass,
        imageFilter: .all, groundTruth: .segmentation, boxScaling: .wsolevaluation, threshold: .mean,
        predictedRegion: .pixels, aggregation: .datasetAccumulated, mapSize: 224,
        metrics: [
            .cheferPixelAccuracy, .cheferClassIoU(foreground: false), .cheferClassIoU(foreground: true),
            .cheferAveragePrecision, .perturbationArea(.deletionMoRF), .perturbationArea(.deletionLeRF), .abpc,
            .cheferMeanIoU,
        ],
        boxIoUThresholds: [], perturbation: .chefer2021)

    /// Choe et al. 2020 (clovaai/wsolevaluation; evaluation.md §1): ground-truth class maps at 224x224,
    /// MaxBoxAccV2 over 1,000 thresholds with all contours and IoU 30/50/70, PxAP where masks exist.
    public static let wsoleval = EvaluationProtocol(
        name: "wsoleval", summary: "wsolevaluation: MaxBoxAccV2 (IoU 30/50/70, all contours) and PxAP, GT class",
        reference: "clovaai/wsolevaluation @ 96f4b88 evaluation.py", mapClass: .label, labelRule: .largestObject,
        imageFilter: .all,
        groundTruth: .segmentationElseBoxes, boxScaling: .wsolevaluation, threshold: .sweep(1000),
        predictedRegion: .boxes(.wsolAll), aggregation: .perImageMean(eps: 0), mapSize: 224,
        metrics: [
            .maxBoxAccuracyV2, .maxBoxAccuracy(iouThreshold: 30), .maxBoxAccuracy(iouThreshold: 50),
            .maxBoxAccuracy(iouThreshold: 70), .pixelAP,
        ],
        boxIoUThresholds: [30, 50, 70], perturbation: nil, maskResampling: .openCVNearest)

    /// Choe et al. 2020, CVPR version (clovaai/wsolevaluation with `box_v2_metric=False`: `multi_contour_eval` and
    /// `multi_iou_eval` off; evaluation.md §1.6): MaxBoxAcc at IoU 50 from the largest contour only (the first of
    /// largest `contourArea`, as Python's `max` keeps it), best of 1,000 thresholds, ground-truth class maps at
    /// 224x224; PxAP where masks exist, as in `wsoleval`.
    public static let wsolevalV1 = EvaluationProtocol(
        name: "wsoleval-v1", summary: "wsolevaluation: MaxBoxAcc v1 (IoU 50, largest contour) and PxAP, GT class",
        reference: "clovaai/wsolevaluation @ 96f4b88 evaluation.py (multi_contour_eval=False)", mapClass: .label,
        labelRule: .largestObject, imageFilter: .all, groundTruth: .segmentationElseBoxes, boxScaling: .wsolevaluation,
        threshold: .sweep(1000),
        predictedRegion: .boxes(.wsolLargest), aggregation: .perImageMean(eps: 0), mapSize: 224,
        metrics: [.maxBoxAccuracyV1, .maxBoxAccuracy(iouThreshold: 50), .pixelAP], boxIoUThresholds: [50],
        perturbation: nil, maskResampling: .openCVNearest)

    /// The VOC report that gave IoU 12.43, F1 19.13, pixel accuracy 65.94 for AG-CAM: Otsu, only images whose
    /// top-class probability exceeds 0.85, per-image mean IoU, F1 and pixel accuracy. Its ground truth is not
    /// stated; we use the segmentation masks where VOC has them, else boxes (as `otsu`), and no eps.
    public static let coporan2025 = EvaluationProtocol(
        name: "coporan2025", summary: "VOC, Otsu, top-1 probability > 0.85, per-image mean IoU, F1, pixel accuracy",
        reference: "Coporan 2025 VOC report (ground-truth kind not stated)", mapClass: .predicted,
        labelRule: .targetClass,
        imageFilter: .topProbabilityAbove(0.85), groundTruth: .segmentationElseBoxes, boxScaling: .wsolevaluation,
        threshold: .otsu(.skimage), predictedRegion: .pixels, aggregation: .perImageMean(eps: 0), mapSize: 224,
        metrics: [.iou, .dice, .pixelAccuracy], boxIoUThresholds: [], perturbation: nil)
}

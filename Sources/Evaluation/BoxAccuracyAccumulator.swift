/// wsolevaluation's MaxBoxAcc (v1) and MaxBoxAccV2 (evaluation.md §1.3 to §1.6), accumulated per threshold
/// without storing maps.
///
/// For each image and each threshold `t_k` of `sweep:N` the map is binarised as `uint8(s * 255) > int(t_k *
/// max)`, boxes are extracted (``BoxExtraction/wsolLargest`` for v1, ``BoxExtraction/wsolAll`` for v2), and the
/// image counts as correct at IoU threshold `delta` when its best box IoU with any ground-truth box is `>=
/// delta`. Only the `N x deltas` counters are kept. Since `int(t_k * max)` takes at most 256 values and the
/// binary map changes only at levels that occur in the map, each distinct binary map is traced once.
public struct BoxAccuracyAccumulator: Sendable {
    public let thresholds: [Double]
    /// IoU thresholds in percent (30, 50, 70 for v2; 50 for v1).
    public let iouThresholds: [Int]
    public let extraction: BoxExtraction
    /// `correct[d][k]`: images correct at IoU threshold `iouThresholds[d]` and map threshold `thresholds[k]`.
    public private(set) var correct: [[Int]]
    public private(set) var imageCount = 0
    public private(set) var degenerateMapCount = 0

    public init(thresholdCount: Int = 1000, iouThresholds: [Int] = [30, 50, 70], extraction: BoxExtraction = .wsolAll) {
        thresholds = ThresholdPolicy.sweepThresholds(count: thresholdCount)
        self.iouThresholds = iouThresholds
        self.extraction = extraction
        correct = [[Int]](repeating: [Int](repeating: 0, count: thresholds.count), count: iouThresholds.count)
    }

    /// Adds one image with its ground-truth boxes (at map resolution).
    public mutating func add(_ map: ScoreMap, boxes truth: [PixelBox]) {
        imageCount += 1
        if map.condition != .normal { degenerateMapCount += 1 }
        let quantized = map.quantized()
        let bestByLevel = Self.bestIoUByLevel(quantized, truth: truth, extraction: extraction)
        let deltas = iouThresholds.map { Double($0) / 100 }
        for (k, ratio) in thresholds.enumerated() {
            let level = ThresholdPolicy.levelThreshold(ratio: ratio, maximum: quantized.maximum)
            let best = bestByLevel[min(max(level, 0), 255)]
            for (d, delta) in deltas.enumerated() where best >= delta { correct[d][k] += 1 }
        }
    }

    /// The best box IoU of `levels > T` for every `T` in `0...255`, tracing each distinct binary map once.
    static func bestIoUByLevel(_ map: QuantizedMap, truth: [PixelBox], extraction: BoxExtraction) -> [Double] {
        var result = [Double](repeating: 0, count: 256)
        var current = -1.0
        for level in 0...255 {
            // `levels > level` equals `levels > level - 1` unless some pixel sits exactly at `level`.
            if level == 0 || map.histogram[level] > 0 || current < 0 {
                let contours = ContourTracer.contours(in: map, above: level, retrieval: .tree)
                let boxes = extraction.boxes(contours, width: map.width, height: map.height)
                current = BoxExtraction.bestIoU(boxes, truth)
            }
            result[level] = current
        }
        return result
    }

    /// `MaxBoxAcc(delta)` in percent for each IoU threshold, with the index of the first best map threshold.
    public func maxBoxAccuracy() -> [(iouThreshold: Int, accuracy: Double, thresholdIndex: Int)] {
        iouThresholds.indices.map { d in
            var best = 0
            for k in correct[d].indices where correct[d][k] > correct[d][best] { best = k }
            let accuracy = imageCount == 0 ? 0 : Double(correct[d][best]) / Double(imageCount) * 100
            return (iouThresholds[d], accuracy, best)
        }
    }

    /// The mean over IoU thresholds of `MaxBoxAcc(delta)` (MaxBoxAccV2 with deltas 30/50/70; MaxBoxAcc v1 with
    /// the single delta 50).
    public var meanMaxBoxAccuracy: Double {
        let values = maxBoxAccuracy().map(\.accuracy)
        return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}

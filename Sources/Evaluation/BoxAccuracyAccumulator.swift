import ScoreMaps

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
    /// `changeSums[d][k]`: the sum over images of their changes at threshold index `k` for IoU threshold
    /// `iouThresholds[d]`, so adding an image costs its handful of changes, not one step per threshold.
    private var changeSums: [[Int]]
    public private(set) var imageCount = 0
    public private(set) var degenerateMapCount = 0

    public init(thresholdCount: Int = 1000, iouThresholds: [Int] = [30, 50, 70], extraction: BoxExtraction = .wsolAll) {
        thresholds = ThresholdPolicy.sweepThresholds(count: thresholdCount)
        self.iouThresholds = iouThresholds
        self.extraction = extraction
        changeSums = [[Int]](repeating: [Int](repeating: 0, count: thresholds.count), count: iouThresholds.count)
    }

    /// `correct[d][k]`: images correct at IoU threshold `iouThresholds[d]` and map threshold `thresholds[k]`.
    public var correct: [[Int]] {
        changeSums.map { sums in
            var running = 0
            return sums.map { change in
                running += change
                return running
            }
        }
    }

    /// Adds one image with its ground-truth boxes (at map resolution).
    public mutating func add(_ map: ScoreMap, boxes truth: [PixelBox]) {
        add(changes: changes(map, boxes: truth), condition: map.condition)
    }

    /// One image's correctness over the thresholds as change points, for each IoU threshold (in the order of
    /// ``iouThresholds``): `(k, +1)` where the image becomes correct at `thresholds[k]`, `(k, -1)` where it stops
    /// being correct. The first entry is `(0, 1)` when it is correct at the first threshold, so the running sum
    /// of the changes up to `k` is the image's 0/1 correctness at `thresholds[k]`. Since `int(t_k * max)` takes
    /// at most 256 values, an image has at most 256 changes and usually a handful: the form runs store per image.
    public func changes(_ map: ScoreMap, boxes truth: [PixelBox]) -> [[(threshold: Int, change: Int)]] {
        let quantized = map.quantized()
        let bestByLevel = Self.bestIoUByLevel(quantized, truth: truth, extraction: extraction)
        let deltas = iouThresholds.map { Double($0) / 100 }
        var result = [[(threshold: Int, change: Int)]](repeating: [], count: deltas.count)
        var previous = [Bool](repeating: false, count: deltas.count)
        for (k, ratio) in thresholds.enumerated() {
            let level = ThresholdPolicy.levelThreshold(ratio: ratio, maximum: quantized.maximum)
            let best = bestByLevel[min(max(level, 0), 255)]
            for (d, delta) in deltas.enumerated() {
                let correct = best >= delta
                if correct != previous[d] { result[d].append((k, correct ? 1 : -1)) }
                previous[d] = correct
            }
        }
        return result
    }

    /// Adds one image given as ``changes(_:boxes:)`` (for example read back from a run's rows).
    public mutating func add(changes: [[(threshold: Int, change: Int)]], condition: MapCondition = .normal) {
        precondition(changes.count == iouThresholds.count, "BoxAccuracyAccumulator: one change list per IoU threshold")
        imageCount += 1
        if condition != .normal { degenerateMapCount += 1 }
        for (d, points) in changes.enumerated() {
            for point in points where thresholds.indices.contains(point.threshold) {
                changeSums[d][point.threshold] += point.change
            }
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

    /// `MaxBoxAcc(delta)` as a fraction for each IoU threshold (the best threshold's correct images over all
    /// images, 0 without images), with the index of the first best map threshold: what the tables report.
    public func maxBoxAccuracyFractions() -> [(iouThreshold: Int, accuracy: Double, thresholdIndex: Int)] {
        let correct = correct
        return iouThresholds.indices.map { d in
            var best = 0
            for k in correct[d].indices where correct[d][k] > correct[d][best] { best = k }
            let accuracy = imageCount == 0 ? 0 : Double(correct[d][best]) / Double(imageCount)
            return (iouThresholds[d], accuracy, best)
        }
    }

    /// The mean over `iouThresholds` of ``maxBoxAccuracyFractions()`` (MaxBoxAccV2 with deltas 30/50/70,
    /// MaxBoxAcc v1 with the single delta 50); nil when one of them is not accumulated here.
    public func meanMaxBoxAccuracyFraction(over iouThresholds: [Int]) -> Double? {
        let byThreshold = Dictionary(
            maxBoxAccuracyFractions().map { ($0.iouThreshold, $0.accuracy) }, uniquingKeysWith: { first, _ in first })
        let values = iouThresholds.compactMap { byThreshold[$0] }
        guard values.count == iouThresholds.count, !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// `MaxBoxAcc(delta)` in percent, as wsolevaluation prints it (``maxBoxAccuracyFractions()`` x 100).
    public func maxBoxAccuracy() -> [(iouThreshold: Int, accuracy: Double, thresholdIndex: Int)] {
        maxBoxAccuracyFractions().map { ($0.iouThreshold, $0.accuracy * 100, $0.thresholdIndex) }
    }

    /// The mean over IoU thresholds of `MaxBoxAcc(delta)` in percent (MaxBoxAccV2 with deltas 30/50/70;
    /// MaxBoxAcc v1 with the single delta 50).
    public var meanMaxBoxAccuracy: Double {
        (meanMaxBoxAccuracyFraction(over: iouThresholds) ?? 0) * 100
    }
}

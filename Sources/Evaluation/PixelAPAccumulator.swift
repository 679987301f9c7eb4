import ScoreMaps

/// wsolevaluation's PxAP (evaluation.md §1.7), accumulated from two histograms without storing maps.
///
/// Float scores (not quantised) at ground-truth foreground and background pixels are counted into `N + 2`
/// bins with numpy's edges `[t_0, ..., t_{N-1}, 1, 2, 3]` (`t_k = k / N` as `np.arange`; last bin closed); void
/// pixels are skipped. Memory is `2 * (N + 2)` integers whatever the number of images.
public struct PixelAPAccumulator: Sendable {
    public let thresholds: [Double]
    private var foregroundHistogram: [Int]
    private var backgroundHistogram: [Int]
    /// Images added, and those whose map was constant or non-finite (all zeros after normalisation).
    public private(set) var imageCount = 0
    public private(set) var degenerateMapCount = 0

    /// The number of histogram bins per image, `N + 2`.
    public var binCount: Int { thresholds.count + 2 }

    public init(thresholdCount: Int = 1000) {
        thresholds = ThresholdPolicy.sweepThresholds(count: thresholdCount)
        foregroundHistogram = [Int](repeating: 0, count: thresholds.count + 2)
        backgroundHistogram = foregroundHistogram
    }

    /// Adds one image.
    public mutating func add(_ map: ScoreMap, truth: GroundTruth) {
        let (foreground, background) = histograms(map, truth: truth)
        add(foreground: foreground, background: background, condition: map.condition)
    }

    /// One image's histograms of float scores at ground-truth foreground and background pixels over the
    /// `N + 2` bins (void pixels skipped): what runs store per image, since they sum over images.
    public func histograms(_ map: ScoreMap, truth: GroundTruth) -> (foreground: [Int], background: [Int]) {
        precondition(map.values.count == truth.foreground.bits.count, "PixelAPAccumulator: size mismatch")
        var foreground = [Int](repeating: 0, count: thresholds.count + 2)
        var background = foreground
        let count = thresholds.count
        let scale = Double(count)
        thresholds.withUnsafeBufferPointer { edges in
            for index in map.values.indices where truth.ignore.bits[index] == 0 {
                let value = Double(map.values[index])
                var bin: Int
                if value >= 1 {
                    bin = value >= 3 ? count + 1 : (value >= 2 ? count + 1 : count)
                } else {
                    // A guess from the uniform spacing, corrected against the exact edges numpy compares with.
                    bin = min(max(Int(value * scale), 0), count - 1)
                    while bin > 0 && edges[bin] > value { bin -= 1 }
                    while bin + 1 < count && edges[bin + 1] <= value { bin += 1 }
                }
                if truth.foreground.bits[index] != 0 {
                    foreground[bin] += 1
                } else {
                    background[bin] += 1
                }
            }
        }
        return (foreground, background)
    }

    /// Adds one image given as ``histograms(_:truth:)`` (`N + 2` bins each).
    public mutating func add(foreground: [Int], background: [Int], condition: MapCondition = .normal) {
        precondition(
            foreground.count == foregroundHistogram.count && background.count == backgroundHistogram.count,
            "PixelAPAccumulator: histograms need \(foregroundHistogram.count) bins")
        imageCount += 1
        if condition != .normal { degenerateMapCount += 1 }
        for bin in foreground.indices {
            foregroundHistogram[bin] += foreground[bin]
            backgroundHistogram[bin] += background[bin]
        }
    }

    /// PxAP x 100, as wsolevaluation prints it (``pixelAPFraction()`` x 100).
    /// - Throws: ``EvaluationError/undefined(_:)`` as ``pixelAPFraction()``.
    public func pixelAP() throws -> Double { try pixelAPFraction() * 100 }

    /// PxAP as a fraction (what the tables report): `sum_k precision[k] * (recall[k] - recall[k-1])` over the
    /// operating points from the highest edge down, skipping points where nothing is predicted (NaN
    /// precision), as wsolevaluation's `MaskEvaluator.compute`.
    /// - Throws: ``EvaluationError/undefined(_:)`` without any ground-truth foreground pixel, or when no
    ///   threshold predicts anything.
    public func pixelAPFraction() throws -> Double {
        let positives = foregroundHistogram.reduce(0, +)
        guard positives > 0 else { throw EvaluationError.undefined("PxAP: no ground-truth foreground pixel") }
        var truePositives = 0
        var falsePositives = 0
        var previousRecall = 0.0
        var area = 0.0
        var anyPrediction = false
        for bin in stride(from: foregroundHistogram.count - 1, through: 0, by: -1) {
            truePositives += foregroundHistogram[bin]
            falsePositives += backgroundHistogram[bin]
            let recall = Double(truePositives) / Double(positives)
            if truePositives + falsePositives > 0 {
                anyPrediction = true
                let precision = Double(truePositives) / Double(truePositives + falsePositives)
                area += precision * (recall - previousRecall)
            }
            previousRecall = recall
        }
        guard anyPrediction else { throw EvaluationError.undefined("PxAP: no positive prediction at any threshold") }
        return area
    }
}

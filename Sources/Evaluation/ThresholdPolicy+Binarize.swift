extension ThresholdPolicy {
    /// A binarised map and the threshold that produced it.
    public struct Binarization: Sendable {
        /// Foreground mask, `[height, width]`.
        public var mask: BinaryMask
        /// The threshold on the map's own scale: a level in `0...255` for `otsu` and `fixed-of-max`, a value in
        /// `[0, 1]` for `mean` and `fixed`.
        public var threshold: Double
    }

    /// Binarises one map. `sweep` has no single-image threshold; it binarises at its first threshold (0), which
    /// is what ``BoxAccuracyAccumulator`` and ``PixelAPAccumulator`` start from.
    public func binarize(_ map: ScoreMap) -> Binarization {
        switch self {
        case .otsu(let rule):
            let quantized = map.quantized()
            let level = Otsu.threshold(histogram: quantized.histogram, constantRule: rule)
            return Binarization(mask: quantized.mask(above: level), threshold: Double(level))
        case .mean:
            // torch's float32 mean; summed in float64 and rounded once, which can differ from torch's pairwise
            // float32 sum in the last bit only.
            var sum = 0.0
            for value in map.values { sum += Double(value) }
            let mean = Float(sum / Double(map.values.count))
            return Binarization(mask: Self.mask(map, above: mean), threshold: Double(mean))
        case .fixed(let value):
            return Binarization(mask: Self.mask(map, above: Float(value)), threshold: value)
        case .fixedOfMaximum(let ratio):
            let quantized = map.quantized()
            let level = Self.levelThreshold(ratio: ratio, maximum: quantized.maximum)
            return Binarization(mask: quantized.mask(above: level), threshold: Double(level))
        case .sweep:
            let quantized = map.quantized()
            return Binarization(mask: quantized.mask(above: 0), threshold: 0)
        }
    }

    /// `values > threshold` on the float map.
    static func mask(_ map: ScoreMap, above threshold: Float) -> BinaryMask {
        var bits = [UInt8](repeating: 0, count: map.values.count)
        map.values.withUnsafeBufferPointer { source in
            bits.withUnsafeMutableBufferPointer { target in
                for index in source.indices { target[index] = source[index] > threshold ? 1 : 0 }
            }
        }
        return BinaryMask(width: map.width, height: map.height, bits: bits)
    }
}

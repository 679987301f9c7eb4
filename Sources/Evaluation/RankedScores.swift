/// Scores paired with binary labels, grouped by distinct score in descending order: the basis of scikit-learn's
/// `average_precision_score` and `roc_auc_score`.
///
/// Sorting is an LSD radix sort over the float bit patterns with the label bit below them: 32-bit keys when every
/// score is non-negative (a normalised map), 64-bit keys otherwise, 3 passes of 11 bits, each skipped when all
/// keys share its digit.
public struct RankedScores: Sendable {
    /// The distinct scores, highest first.
    public private(set) var values: [Float] = []
    /// Positives and negatives at each distinct score, highest score first.
    public private(set) var positives: [Int] = []
    public private(set) var negatives: [Int] = []

    /// Groups `scores` (finite) by value; `labels[i]` says whether sample `i` is positive.
    public init(scores: [Float], labels: [Bool]) {
        precondition(scores.count == labels.count, "RankedScores: count mismatch")
        if scores.allSatisfy({ $0 >= 0 }) {
            var keys = scores.indices.map { Self.key32(scores[$0], labels[$0]) }
            self.init(sorting: &keys)
        } else {
            var keys = scores.indices.map { Self.key64(scores[$0], labels[$0]) }
            self.init(sorting: &keys)
        }
    }

    /// The scores of `map` against `truth.foreground` over the non-void pixels.
    public init(map: ScoreMap, truth: GroundTruth) {
        let count = map.values.count
        guard map.values.allSatisfy({ $0 >= 0 }) else {
            let kept = map.values.indices.filter { truth.ignore.bits[$0] == 0 }
            self.init(scores: kept.map { map.values[$0] }, labels: kept.map { truth.foreground.bits[$0] != 0 })
            return
        }
        var keys = map.values.withUnsafeBufferPointer { values in
            truth.foreground.bits.withUnsafeBufferPointer { foreground in
                truth.ignore.bits.withUnsafeBufferPointer { ignore in
                    [UInt32](unsafeUninitializedCapacity: count) { keys, initialized in
                        var written = 0
                        for index in 0..<count where ignore[index] == 0 {
                            keys[written] = Self.key32(values[index], foreground[index] != 0)
                            written += 1
                        }
                        initialized = written
                    }
                }
            }
        }
        self.init(sorting: &keys)
    }

    private init(values: [Float], positives: [Int], negatives: [Int]) {
        self.values = values
        self.positives = positives
        self.negatives = negatives
    }

    /// Non-negative floats order as their bit patterns, which fit in 31 bits (-0 becomes +0); the label below.
    private static func key32(_ score: Float, _ label: Bool) -> UInt32 {
        (score == 0 ? Float(0) : score).bitPattern << 1 | (label ? 1 : 0)
    }

    /// Any float: an order-preserving map to an unsigned integer, then the label bit below it.
    private static func key64(_ score: Float, _ label: Bool) -> UInt64 {
        let bits = (score == 0 ? Float(0) : score).bitPattern
        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return UInt64(ordered) << 1 | (label ? 1 : 0)
    }

    private init(sorting keys: inout [UInt32]) {
        Self.radixSort(&keys)
        self = Self.grouped(keys) { Float(bitPattern: UInt32($0)) }
    }

    private init(sorting keys: inout [UInt64]) {
        Self.radixSort(&keys)
        self = Self.grouped(keys) { key in
            let ordered = UInt32(key)
            return Float(bitPattern: ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered)
        }
    }

    /// Reads sorted keys from the highest down into groups of equal score; `value` decodes `key >> 1`.
    private static func grouped<Key: FixedWidthInteger & UnsignedInteger>(
        _ keys: [Key], value: (Key) -> Float
    ) -> RankedScores {
        var values: [Float] = []
        var positives: [Int] = []
        var negatives: [Int] = []
        keys.withUnsafeBufferPointer { keys in
            var index = keys.count - 1
            while index >= 0 {
                let score = keys[index] >> 1
                var positive = 0
                var negative = 0
                while index >= 0 && keys[index] >> 1 == score {
                    if keys[index] & 1 == 1 { positive += 1 } else { negative += 1 }
                    index -= 1
                }
                values.append(value(score))
                positives.append(positive)
                negatives.append(negative)
            }
        }
        return RankedScores(values: values, positives: positives, negatives: negatives)
    }

    /// The ranking of Chefer's two-channel scores `[1 - s, s]` with labels `[!y, y]`, from the ranking of `s`
    /// alone: the `1 - s` channel is this ranking reversed (float32 `1 - s` may merge neighbouring scores), and
    /// the two descending sequences merge in one pass. Equal to ranking the `2n` scores directly.
    public var withComplementChannel: RankedScores {
        let count = values.count
        var complementValues: [Float] = []
        var complementPositives: [Int] = []
        var complementNegatives: [Int] = []
        complementValues.reserveCapacity(count)
        complementPositives.reserveCapacity(count)
        complementNegatives.reserveCapacity(count)
        var mergedValues: [Float] = []
        var mergedPositives: [Int] = []
        var mergedNegatives: [Int] = []
        mergedValues.reserveCapacity(2 * count)
        mergedPositives.reserveCapacity(2 * count)
        mergedNegatives.reserveCapacity(2 * count)
        values.withUnsafeBufferPointer { values in
            positives.withUnsafeBufferPointer { positives in
                negatives.withUnsafeBufferPointer { negatives in
                    for group in (0..<count).reversed() {
                        let value = 1 - values[group]
                        if let last = complementValues.last, last == value {
                            complementPositives[complementPositives.count - 1] += negatives[group]
                            complementNegatives[complementNegatives.count - 1] += positives[group]
                        } else {
                            complementValues.append(value)
                            complementPositives.append(negatives[group])
                            complementNegatives.append(positives[group])
                        }
                    }
                    let complementCount = complementValues.count
                    var left = 0
                    var right = 0
                    while left < count || right < complementCount {
                        let takeLeft =
                            right == complementCount || (left < count && values[left] >= complementValues[right])
                        let takeRight =
                            left == count || (right < complementCount && complementValues[right] >= values[left])
                        var positive = 0
                        var negative = 0
                        var value: Float = 0
                        if takeLeft {
                            value = values[left]
                            positive += positives[left]
                            negative += negatives[left]
                            left += 1
                        }
                        if takeRight {
                            value = complementValues[right]
                            positive += complementPositives[right]
                            negative += complementNegatives[right]
                            right += 1
                        }
                        mergedValues.append(value)
                        mergedPositives.append(positive)
                        mergedNegatives.append(negative)
                    }
                }
            }
        }
        return RankedScores(values: mergedValues, positives: mergedPositives, negatives: mergedNegatives)
    }

    /// scikit-learn `average_precision_score` (binary): `sum_n (R_n - R_{n-1}) * P_n` over the distinct score
    /// thresholds, no interpolation. 0 when there is no positive (sklearn warns and returns a NaN-like value,
    /// which Chefer's `np.nan_to_num` turns into 0).
    public var averagePrecision: Double {
        let totalPositives = positives.reduce(0, +)
        guard totalPositives > 0 else { return 0 }
        var truePositives = 0
        var predicted = 0
        var previousRecall = 0.0
        var sum = 0.0
        for group in positives.indices {
            truePositives += positives[group]
            predicted += positives[group] + negatives[group]
            let recall = Double(truePositives) / Double(totalPositives)
            sum += (recall - previousRecall) * (Double(truePositives) / Double(predicted))
            previousRecall = recall
        }
        return sum
    }

    /// scikit-learn `roc_auc_score` (binary): the trapezoid area under the ROC curve through the distinct
    /// thresholds (ties count one half). `nil` when one class is absent (sklearn raises).
    public var rocAUC: Double? {
        let totalPositives = positives.reduce(0, +)
        let totalNegatives = negatives.reduce(0, +)
        guard totalPositives > 0, totalNegatives > 0 else { return nil }
        var positivesAbove = 0
        var area = 0.0
        for group in positives.indices {
            // Negatives in this group rank below all earlier positives and tie with this group's positives.
            area += Double(negatives[group]) * (Double(positivesAbove) + Double(positives[group]) / 2)
            positivesAbove += positives[group]
        }
        return area / (Double(totalPositives) * Double(totalNegatives))
    }

    private static func radixSort<Key: FixedWidthInteger & UnsignedInteger>(_ keys: inout [Key]) {
        // The keys hold at most 33 significant bits: 32 of the float and the label.
        let passes = 3
        var counts = [Int](repeating: 0, count: passes * 2048)
        keys.withUnsafeBufferPointer { source in
            counts.withUnsafeMutableBufferPointer { counts in
                for key in source {
                    for pass in 0..<passes {
                        counts[pass * 2048 + Int(truncatingIfNeeded: key >> (pass * 11)) & 0x7FF] += 1
                    }
                }
            }
        }
        var buffer = [Key](repeating: 0, count: keys.count)
        for pass in 0..<passes {
            let base = pass * 2048
            // A digit that every key shares leaves the order as it is.
            if counts[base..<base + 2048].contains(keys.count) { continue }
            var offsets = [Int](repeating: 0, count: 2048)
            var total = 0
            for digit in 0..<2048 {
                offsets[digit] = total
                total += counts[base + digit]
            }
            keys.withUnsafeBufferPointer { source in
                buffer.withUnsafeMutableBufferPointer { target in
                    offsets.withUnsafeMutableBufferPointer { offsets in
                        for key in source {
                            let digit = Int(truncatingIfNeeded: key >> (pass * 11)) & 0x7FF
                            target[offsets[digit]] = key
                            offsets[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &buffer)
        }
    }
}

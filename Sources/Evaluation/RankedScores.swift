/// Scores paired with binary labels, grouped by distinct score in descending order: the basis of scikit-learn's
/// `average_precision_score` and `roc_auc_score`.
///
/// Sorting is an LSD radix sort over the float bit patterns with the label bit below them: 32-bit keys when every
/// score is non-negative (a normalised map), 64-bit keys otherwise, 3 passes of 11 bits, each skipped when all
/// keys share its digit. The 50,176 scores of a 224x224 map sort in a fraction of a millisecond.
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
            // Non-negative floats order as their bit patterns, which fit in 31 bits (-0 becomes +0).
            var keys = [UInt32](repeating: 0, count: scores.count)
            for index in scores.indices {
                let bits = (scores[index] == 0 ? Float(0) : scores[index]).bitPattern
                keys[index] = bits << 1 | (labels[index] ? 1 : 0)
            }
            Self.radixSort(&keys)
            group(keys) { Float(bitPattern: UInt32($0)) }
        } else {
            var keys = [UInt64](repeating: 0, count: scores.count)
            for index in scores.indices {
                // Order-preserving map of a float to an unsigned integer, then a label bit below it.
                let bits = (scores[index] == 0 ? Float(0) : scores[index]).bitPattern
                let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
                keys[index] = UInt64(ordered) << 1 | (labels[index] ? 1 : 0)
            }
            Self.radixSort(&keys)
            group(keys) { key in
                let ordered = UInt32(key)
                return Float(bitPattern: ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered)
            }
        }
    }

    private init(values: [Float], positives: [Int], negatives: [Int]) {
        self.values = values
        self.positives = positives
        self.negatives = negatives
    }

    /// The scores of `map` against `truth.foreground` over the non-void pixels.
    public init(map: ScoreMap, truth: GroundTruth) {
        var scores: [Float] = []
        var labels: [Bool] = []
        scores.reserveCapacity(map.values.count)
        labels.reserveCapacity(map.values.count)
        for index in map.values.indices where truth.ignore.bits[index] == 0 {
            scores.append(map.values[index])
            labels.append(truth.foreground.bits[index] != 0)
        }
        self.init(scores: scores, labels: labels)
    }

    /// Reads sorted keys from the highest down into groups of equal score; `value` decodes `key >> 1`.
    private mutating func group<Key: FixedWidthInteger & UnsignedInteger>(_ keys: [Key], value: (Key) -> Float) {
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
    }

    /// The ranking of Chefer's two-channel scores `[1 - s, s]` with labels `[!y, y]`, from the ranking of `s`
    /// alone: the `1 - s` channel is this ranking reversed (float32 `1 - s` may merge neighbouring scores), and
    /// the two descending sequences merge in one pass. Equal to ranking the `2n` scores directly.
    public var withComplementChannel: RankedScores {
        var complementValues: [Float] = []
        var complementPositives: [Int] = []
        var complementNegatives: [Int] = []
        for group in values.indices.reversed() {
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
        var merged = RankedScores(values: [], positives: [], negatives: [])
        merged.values.reserveCapacity(values.count + complementValues.count)
        var left = 0
        var right = 0
        while left < values.count || right < complementValues.count {
            let takeLeft =
                right == complementValues.count || (left < values.count && values[left] >= complementValues[right])
            let takeRight =
                left == values.count || (right < complementValues.count && complementValues[right] >= values[left])
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
            merged.values.append(value)
            merged.positives.append(positive)
            merged.negatives.append(negative)
        }
        return merged
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

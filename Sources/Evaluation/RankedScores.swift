/// Scores paired with binary labels, grouped by distinct score in descending order: the basis of scikit-learn's
/// `average_precision_score` and `roc_auc_score`.
///
/// Sorting is an LSD radix sort over the float bit patterns (3 passes of 11 bits over a 33-bit key), so the
/// 100,352 scores of Chefer's two-channel AP at 224x224 sort in well under a millisecond.
public struct RankedScores: Sendable {
    /// Positives and negatives at each distinct score, highest score first.
    public private(set) var positives: [Int] = []
    public private(set) var negatives: [Int] = []

    /// Groups `scores` (finite) by value; `labels[i]` says whether sample `i` is positive.
    public init(scores: [Float], labels: [Bool]) {
        precondition(scores.count == labels.count, "RankedScores: count mismatch")
        var keys = [UInt64](repeating: 0, count: scores.count)
        for index in scores.indices {
            // Order-preserving map of a float to an unsigned integer, then a label bit below it.
            let bits = (scores[index] == 0 ? Float(0) : scores[index]).bitPattern
            let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
            keys[index] = UInt64(ordered) << 1 | (labels[index] ? 1 : 0)
        }
        Self.radixSort(&keys)
        var index = keys.count - 1
        while index >= 0 {
            let value = keys[index] >> 1
            var positive = 0
            var negative = 0
            while index >= 0 && keys[index] >> 1 == value {
                if keys[index] & 1 == 1 { positive += 1 } else { negative += 1 }
                index -= 1
            }
            positives.append(positive)
            negatives.append(negative)
        }
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

    private static func radixSort(_ keys: inout [UInt64]) {
        var buffer = [UInt64](repeating: 0, count: keys.count)
        for pass in 0..<3 {
            let shift = UInt64(pass * 11)
            var counts = [Int](repeating: 0, count: 2049)
            keys.withUnsafeBufferPointer { source in
                counts.withUnsafeMutableBufferPointer { counts in
                    for key in source { counts[Int((key >> shift) & 0x7FF) + 1] += 1 }
                    for digit in 1...2048 { counts[digit] += counts[digit - 1] }
                }
                buffer.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for key in source {
                            let digit = Int((key >> shift) & 0x7FF)
                            target[counts[digit]] = key
                            counts[digit] += 1
                        }
                    }
                }
            }
            swap(&keys, &buffer)
        }
    }
}

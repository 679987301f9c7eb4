/// Scores paired with binary labels, ranked by distinct score in descending order: the basis of scikit-learn's
/// `average_precision_score` and `roc_auc_score`.
///
/// The ranking is held as sorted keys (the float's bit pattern with the label bit below it: 32-bit keys when every
/// score is non-negative, as in a normalised map, 64-bit keys otherwise), sorted by an LSD radix sort of 3 passes
/// of 11 bits, each skipped when all keys share its digit. AP and AUC walk the keys once, group by group, without
/// building group arrays; ``groups`` materialises the groups for inspection.
public struct RankedScores: Sendable {
    /// One distinct score with the positives and negatives that have it.
    public struct Group: Hashable, Sendable {
        public var value: Float
        public var positives: Int
        public var negatives: Int
    }

    private enum SortedKeys: Sendable {
        case narrow([UInt32])
        case wide([UInt64])
    }

    /// Ascending keys.
    private let keys: SortedKeys
    private let positiveCount: Int

    /// Ranks `scores` (finite); `labels[i]` says whether sample `i` is positive.
    public init(scores: [Float], labels: [Bool]) {
        precondition(scores.count == labels.count, "RankedScores: count mismatch")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        if scores.allSatisfy({ $0 >= 0 }) {
            var narrow = scores.indices.map { Self.key32(scores[$0], labels[$0]) }
            Self.radixSort(&narrow)
            self.init(keys: .narrow(narrow), positives: positives)
        } else {
            var wide = scores.indices.map { Self.key64(scores[$0], labels[$0]) }
            Self.radixSort(&wide)
            self.init(keys: .wide(wide), positives: positives)
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
        var positives = 0
        var narrow = map.values.withUnsafeBufferPointer { values in
            truth.foreground.bits.withUnsafeBufferPointer { foreground in
                truth.ignore.bits.withUnsafeBufferPointer { ignore in
                    [UInt32](unsafeUninitializedCapacity: count) { keys, initialized in
                        var written = 0
                        for index in 0..<count where ignore[index] == 0 {
                            let label = foreground[index] != 0
                            keys[written] = Self.key32(values[index], label)
                            positives &+= label ? 1 : 0
                            written += 1
                        }
                        initialized = written
                    }
                }
            }
        }
        Self.radixSort(&narrow)
        self.init(keys: .narrow(narrow), positives: positives)
    }

    private init(keys: SortedKeys, positives: Int) {
        self.keys = keys
        self.positiveCount = positives
    }

    /// The number of ranked samples.
    public var count: Int {
        switch keys {
        case .narrow(let keys): keys.count
        case .wide(let keys): keys.count
        }
    }

    /// The ranking of Chefer's two-channel scores `[1 - s, s]` with labels `[!y, y]`, from the ranking of `s`
    /// alone: float32 `1 - s` is monotone in `s` (though it may merge neighbouring scores), so the complement
    /// channel is the sorted keys read downwards, and one merge ranks both. Equal to ranking the `2n` scores
    /// directly.
    public var withComplementChannel: RankedScores {
        // Channel 0's positives are channel 1's negatives, so the two channels hold `count` positives.
        switch keys {
        case .narrow(let keys):
            // 32-bit keys hold non-negative scores only; a score above 1 has a negative complement, so such a
            // ranking moves to 64-bit keys first (sorted keys stay sorted under the order-preserving widening).
            if let largest = keys.last, Self.score32(largest >> 1) > 1 {
                let wide = keys.map { key in Self.key64(Self.score32(key >> 1), key & 1 == 1) }
                return RankedScores(keys: .wide(wide), positives: positiveCount).withComplementChannel
            }
            return RankedScores(
                keys: .narrow(Self.mergedWithComplement(keys, decode: Self.score32, make: Self.key32)), positives: count
            )
        case .wide(let keys):
            return RankedScores(
                keys: .wide(Self.mergedWithComplement(keys, decode: Self.score64, make: Self.key64)), positives: count)
        }
    }

    /// The distinct scores, highest first, with their positives and negatives.
    public var groups: [Group] {
        switch keys {
        case .narrow(let keys): Self.groups(keys, decode: Self.score32)
        case .wide(let keys): Self.groups(keys, decode: Self.score64)
        }
    }

    /// scikit-learn `average_precision_score` (binary): `sum_n (R_n - R_{n-1}) * P_n` over the distinct score
    /// thresholds, no interpolation, here as `sum_n positives_n * P_n / total positives`. 0 when there is no
    /// positive (sklearn warns and returns a NaN-like value, which Chefer's `np.nan_to_num` turns into 0).
    public var averagePrecision: Double {
        guard positiveCount > 0 else { return 0 }
        let sum =
            switch keys {
            case .narrow(let keys): Self.precisionWeightedPositives(keys)
            case .wide(let keys): Self.precisionWeightedPositives(keys)
            }
        return sum / Double(positiveCount)
    }

    /// scikit-learn `roc_auc_score` (binary): the trapezoid area under the ROC curve through the distinct
    /// thresholds (ties count one half), here summed exactly in integers. `nil` when one class is absent (sklearn
    /// raises).
    public var rocAUC: Double? {
        let negativeCount = count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return nil }
        let twiceArea =
            switch keys {
            case .narrow(let keys): Self.twiceROCArea(keys)
            case .wide(let keys): Self.twiceROCArea(keys)
            }
        return Double(twiceArea) / 2 / (Double(positiveCount) * Double(negativeCount))
    }

    /// `sum over groups of positives_g * precision_g`, highest score first, where precision_g is the share of
    /// positives among the samples at or above group g's score.
    ///
    /// Group ends are found by comparing neighbours and folded in with selects instead of branches: groups are
    /// mostly one or two samples long, and a branch per group mispredicts about half the time.
    private static func precisionWeightedPositives<Key: FixedWidthInteger & UnsignedInteger>(_ keys: [Key]) -> Double {
        keys.withUnsafeBufferPointer { keys in
            var truePositives = 0
            var positivesAtLastEnd = 0
            var sum = 0.0
            var index = keys.count - 1
            while index >= 0 {
                let key = keys[index]
                truePositives &+= Int(truncatingIfNeeded: key & 1)
                let isEnd = index == 0 || keys[index - 1] >> 1 != key >> 1
                let seen = keys.count - index
                let contribution =
                    Double(truePositives &- positivesAtLastEnd) * (Double(truePositives) / Double(seen))
                sum += isEnd ? contribution : 0
                positivesAtLastEnd = isEnd ? truePositives : positivesAtLastEnd
                index -= 1
            }
            return sum
        }
    }

    /// `2 x` the unnormalised ROC area: `sum over groups of negatives_g * (2 * positives above g + positives_g)`.
    private static func twiceROCArea<Key: FixedWidthInteger & UnsignedInteger>(_ keys: [Key]) -> Int {
        keys.withUnsafeBufferPointer { keys in
            var truePositives = 0
            var positivesAtLastEnd = 0
            var negativesInGroup = 0
            var area = 0
            var index = keys.count - 1
            while index >= 0 {
                let key = keys[index]
                let label = Int(truncatingIfNeeded: key & 1)
                truePositives &+= label
                negativesInGroup &+= 1 &- label
                let isEnd = index == 0 || keys[index - 1] >> 1 != key >> 1
                let groupArea = negativesInGroup &* (positivesAtLastEnd &+ truePositives)
                area &+= isEnd ? groupArea : 0
                positivesAtLastEnd = isEnd ? truePositives : positivesAtLastEnd
                negativesInGroup = isEnd ? 0 : negativesInGroup
                index -= 1
            }
            return area
        }
    }

    /// Groups of ascending `keys`, highest score first; `decode` turns `key >> 1` back into the score.
    private static func groups<Key: FixedWidthInteger & UnsignedInteger>(
        _ keys: [Key], decode: (Key) -> Float
    ) -> [Group] {
        var result: [Group] = []
        var index = keys.count - 1
        while index >= 0 {
            let score = keys[index] >> 1
            var group = Group(value: decode(score), positives: 0, negatives: 0)
            while index >= 0 && keys[index] >> 1 == score {
                if keys[index] & 1 == 1 { group.positives += 1 } else { group.negatives += 1 }
                index -= 1
            }
            result.append(group)
        }
        return result
    }

    /// Ascending `keys` merged with their complement keys `make(1 - s, !y)`, which ascend as `keys` descend;
    /// `decode` turns `key >> 1` back into `s`.
    ///
    /// A merge is one long dependency chain (load, compare, advance), so the output is cut into four equal
    /// parts by merge-path binary searches and the four merges run interleaved, each branchless: the comparison
    /// picks the element with a mask and advances one side by arithmetic.
    private static func mergedWithComplement<Key: FixedWidthInteger & UnsignedInteger>(
        _ keys: [Key], decode: (Key) -> Float, make: (Float, Bool) -> Key
    ) -> [Key] {
        let count = keys.count
        return keys.withUnsafeBufferPointer { keys in
            [Key](unsafeUninitializedCapacity: 2 * count) { merged, initialized in
                /// The complement sequence, ascending in `index`.
                @inline(__always) func complement(_ index: Int) -> Key {
                    let key = keys[count &- 1 &- index]
                    return make(1 - decode(key >> 1), key & 1 == 0)
                }
                /// How many of the first `output` merged elements come from `keys` (the merge path).
                func leftShare(ofFirst output: Int) -> Int {
                    var low = max(0, output - count)
                    var high = min(output, count)
                    while low < high {
                        let taken = (low + high) / 2
                        if keys[taken] <= complement(output - taken - 1) { low = taken + 1 } else { high = taken }
                    }
                    return low
                }
                func cursor(_ part: Int) -> MergeCursor {
                    let start = part * 2 * count / 4
                    let end = (part + 1) * 2 * count / 4
                    let leftStart = leftShare(ofFirst: start)
                    let leftEnd = leftShare(ofFirst: end)
                    return MergeCursor(
                        left: leftStart, right: start - leftStart, leftEnd: leftEnd, rightEnd: end - leftEnd)
                }
                @inline(__always) func step(_ cursor: inout MergeCursor) {
                    let original = keys[cursor.left]
                    let flipped = complement(cursor.right)
                    let takeLeft = Key(truncatingIfNeeded: original <= flipped ? 1 : 0)
                    merged[cursor.written] = flipped ^ ((original ^ flipped) & (0 &- takeLeft))
                    cursor.left &+= Int(truncatingIfNeeded: takeLeft)
                    cursor.right &+= 1 &- Int(truncatingIfNeeded: takeLeft)
                }
                func finish(_ cursor: inout MergeCursor) {
                    while cursor.safeSteps > 0 { step(&cursor) }
                    while cursor.left < cursor.leftEnd {
                        merged[cursor.written] = keys[cursor.left]
                        cursor.left += 1
                    }
                    while cursor.right < cursor.rightEnd {
                        merged[cursor.written] = complement(cursor.right)
                        cursor.right += 1
                    }
                }
                var first = cursor(0)
                var second = cursor(1)
                var third = cursor(2)
                var fourth = cursor(3)
                while true {
                    let steps = min(first.safeSteps, second.safeSteps, third.safeSteps, fourth.safeSteps)
                    if steps == 0 { break }
                    for _ in 0..<steps {
                        step(&first)
                        step(&second)
                        step(&third)
                        step(&fourth)
                    }
                }
                finish(&first)
                finish(&second)
                finish(&third)
                finish(&fourth)
                initialized = 2 * count
            }
        }
    }

    /// One part of the segmented merge: positions in `keys` and in the complement sequence, with their ends.
    private struct MergeCursor {
        var left: Int
        var right: Int
        let leftEnd: Int
        let rightEnd: Int
        /// The output position: everything before it came from the two sides.
        var written: Int { left + right }
        /// Steps that cannot run past either side: each step takes one element.
        var safeSteps: Int { min(leftEnd - left, rightEnd - right) }
    }

    private static func score32<Key: FixedWidthInteger & UnsignedInteger>(_ score: Key) -> Float {
        Float(bitPattern: UInt32(truncatingIfNeeded: score))
    }

    private static func score64<Key: FixedWidthInteger & UnsignedInteger>(_ score: Key) -> Float {
        let ordered = UInt32(truncatingIfNeeded: score)
        return Float(bitPattern: ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered)
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

    private static func radixSort<Key: FixedWidthInteger & UnsignedInteger>(_ keys: inout [Key]) {
        // The keys hold at most 33 significant bits: 32 of the float and the label.
        let passes = 3
        let count = keys.count
        var counts = [Int](repeating: 0, count: passes * 2048)
        keys.withUnsafeBufferPointer { source in
            counts.withUnsafeMutableBufferPointer { counts in
                for key in source {
                    for pass in 0..<passes {
                        counts[pass &* 2048 &+ Int(truncatingIfNeeded: key >> (pass * 11)) & 0x7FF] &+= 1
                    }
                }
            }
        }
        var buffer = [Key](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        var offsets = [Int](repeating: 0, count: 2048)
        for pass in 0..<passes {
            let base = pass * 2048
            // A digit that every key shares leaves the order as it is.
            if counts[base..<base + 2048].contains(count) { continue }
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
                            offsets[digit] &+= 1
                        }
                    }
                }
            }
            swap(&keys, &buffer)
        }
    }
}

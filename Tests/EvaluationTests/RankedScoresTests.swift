import SeededRandom
import TestSupport
import Testing

@testable import Evaluation

/// The radix-sorted ranking against a plain comparison sort, and the two-channel merge against ranking the
/// concatenated channels directly.
@Suite("Ranked scores")
struct RankedScoresTests {
    /// Groups by a comparison sort: (value, positives, negatives), highest value first.
    static func reference(_ scores: [Float], _ labels: [Bool]) -> [(Float, Int, Int)] {
        let sorted = zip(scores.map { $0 == 0 ? Float(0) : $0 }, labels).sorted { $0.0 > $1.0 }
        var groups: [(Float, Int, Int)] = []
        for (value, label) in sorted {
            if let last = groups.last, last.0 == value {
                groups[groups.count - 1].1 += label ? 1 : 0
                groups[groups.count - 1].2 += label ? 0 : 1
            } else {
                groups.append((value, label ? 1 : 0, label ? 0 : 1))
            }
        }
        return groups
    }

    static func groups(_ ranked: RankedScores) -> [(Float, Int, Int)] {
        ranked.groups.map { ($0.value, $0.positives, $0.negatives) }
    }

    static func same(_ left: [(Float, Int, Int)], _ right: [(Float, Int, Int)]) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 }
    }

    /// Scores with ties (few levels), values next to 0 and 1 where float32 `1 - s` merges neighbours, and -0.
    static func scores(seed: UInt64, count: Int, negative: Bool) -> ([Float], [Bool]) {
        var random = SplitMix64(seed: seed)
        let special: [Float] = [0, -0.0, 1, 1e-9, 2e-9, 1 - 1e-8, 1 - 3e-8, 0.5, Float(0.5).nextUp]
        var scores: [Float] = []
        var labels: [Bool] = []
        for _ in 0..<count {
            let kind = random.next() % 4
            var value: Float
            switch kind {
            case 0: value = special[Int(random.next() % UInt64(special.count))]
            case 1: value = Float(random.next() % 16) / 15
            default: value = Float(random.next() >> 40) / Float(1 << 24)
            }
            if negative && random.next() % 3 == 0 { value = -value * 4 }
            scores.append(value)
            labels.append(random.next() % 3 == 0)
        }
        return (scores, labels)
    }

    @Test(
        "grouping equals a comparison sort, with 32-bit and 64-bit keys",
        arguments: [(1, false), (2, true), (3, false)])
    func grouping(seed: UInt64, negative: Bool) {
        let (scores, labels) = Self.scores(seed: seed, count: 5000, negative: negative)
        let ranked = RankedScores(scores: scores, labels: labels)
        #expect(Self.same(Self.groups(ranked), Self.reference(scores, labels)))
    }

    @Test(
        "the complement channel merged in equals ranking [1 - s, s] directly, scores above 1 and negative included",
        arguments: [(11, 1), (12, 1), (13, 1), (14, 4), (15, -1)])
    func complementChannel(seed: UInt64, scale: Float) {
        var (scores, labels) = Self.scores(seed: seed, count: 5000, negative: false)
        // Scale 4 puts scores above 1 (negative complements); scale -1 makes some scores negative.
        if scale != 1 { scores = scores.enumerated().map { $0.offset % 3 == 0 ? $0.element * scale : $0.element } }
        let merged = RankedScores(scores: scores, labels: labels).withComplementChannel
        let direct = RankedScores(scores: scores.map { 1 - $0 } + scores, labels: labels.map { !$0 } + labels)
        #expect(Self.same(Self.groups(merged), Self.groups(direct)))
        #expect(merged.averagePrecision == direct.averagePrecision)
    }
}

import SeededRandom

/// Helpers of the fuzz tests on the package's ``SplitMix64``.
extension SplitMix64 {
    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    /// A damaged copy of `data`: on even rounds a random prefix (a truncation), on odd rounds `flips` random
    /// bytes overwritten.
    public mutating func damaged<Bytes: MutableCollection & RangeReplaceableCollection>(
        _ data: Bytes, round: Int, flips: Int
    ) -> Bytes where Bytes.Element == UInt8, Bytes.Index == Int {
        if round.isMultiple(of: 2) {
            return Bytes(data.prefix(Int(next() % UInt64(data.count + 1))))
        }
        var damaged = data
        for _ in 0..<flips where !damaged.isEmpty {
            damaged[damaged.startIndex + Int(next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: next())
        }
        return damaged
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator, so every fuzz case of the test suites is
/// reproducible from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

extension SplitMix64 {
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

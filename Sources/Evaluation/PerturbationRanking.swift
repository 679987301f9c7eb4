/// The order in which a map's pixels are changed: flat indices into a row-major `[S, S]` map.
///
/// `torch.topk` (Chefer, AG-CAM) leaves the order of tied values unspecified and RISE's
/// `np.flip(np.argsort(map))` puts tied pixels in reverse order of its (unstable quicksort) argsort, so no
/// reference fixes ties. We use one deterministic rule: most relevant first = value descending, ties by
/// ascending flat index; least relevant first = value ascending, ties by ascending flat index (the order of
/// `-map` descending under the same rule, as Chefer ranks `-vis` for the negative test). `-0.0` ranks as `0.0`
/// and NaN as `0` (Chefer's `NaN -> 0`), so a bad map is ranked, not a crash. Min-max normalised maps rarely tie
/// except at 0 (after a ReLU) and 1.
public enum PerturbationRanking {
    /// Flat pixel indices of `map` (`[S * S]` values) in the order `order` changes them.
    public static func order(_ map: [Float], _ order: PerturbationSettings.Order) -> [Int] {
        // One 64-bit key per pixel, (rank of the value) << 32 | index, so a plain ascending sort of the keys
        // is the (value, index) order with no comparator calls on floats.
        precondition(map.count < 1 << 32, "PerturbationRanking: map too large")
        var keys = [UInt64](repeating: 0, count: map.count)
        for index in map.indices {
            var value = map[index]
            if value.isNaN { value = 0 }
            value += 0  // -0.0 -> +0.0
            let bits = orderedBits(value)
            let rank = order == .mostRelevantFirst ? ~bits : bits
            keys[index] = UInt64(rank) << 32 | UInt64(index)
        }
        keys.sort()
        return keys.map { Int($0 & 0xFFFF_FFFF) }
    }

    /// The bits of `value` mapped so that unsigned comparison equals float comparison (no NaN).
    @inline(__always)
    static func orderedBits(_ value: Float) -> UInt32 {
        let bits = value.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
}

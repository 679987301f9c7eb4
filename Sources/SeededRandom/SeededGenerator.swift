/// The synthetic dataset's generator: xoshiro256** (Blackman and Vigna, 2018) seeded through ``SplitMix64``.
///
/// A second algorithm beside ``SplitMix64`` because the synthetic set's bytes are pinned by it: the committed
/// demo results and `tools/make_synthetic_prng_golden.py` (a transcription of the authors' C code) fix every
/// scene for a seed, and xoshiro's 256-bit state gives the long, well-mixed per-image streams the scene
/// renderer draws from. The synthetic dataset must be byte-identical for a given seed on every run, thread count
/// and Swift version, so nothing here defers to the standard library's `random(in:using:)` (whose algorithm is an
/// implementation detail) or to `SystemRandomNumberGenerator`. Integers come from Lemire's multiply-shift with
/// rejection and doubles from the top 53 bits, both written out below.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the four state words with consecutive SplitMix64 outputs, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// A generator for one item of a stream, independent of the other items: the seed and the item index are
    /// mixed through SplitMix64 so neighbouring indices give unrelated sequences.
    /// - Parameters:
    ///   - seed: the dataset seed.
    ///   - stream: a constant naming what the numbers are for (scene content, split assignment, ...).
    ///   - index: the item (image) index.
    public init(seed: UInt64, stream: UInt64, index: Int) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        let base = mixer.next()
        self.init(seed: base ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    /// A uniform integer in `0..<bound` (Lemire 2019, multiply-shift with rejection; no modulo bias).
    /// - Precondition: `bound > 0`.
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A uniform integer in `range`.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + integer(below: range.upperBound - range.lowerBound + 1)
    }

    /// A uniform double in `[0, 1)`: the top 53 bits scaled by 2^-53.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform double in `[range.lowerBound, range.upperBound)`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// `true` with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// Shuffles `values` in place (Fisher-Yates, from the last element down).
    public mutating func shuffle<Element>(_ values: inout [Element]) {
        guard values.count > 1 else { return }
        for last in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(last, integer(below: last + 1))
        }
    }

    private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014, Vigna's `splitmix64.c`): the package's one seeded 64-bit stream.
///
/// Small, fully specified and fast, so a Python script can draw exactly the same numbers: SmoothGrad's noise and
/// the random baseline (`tools/make_input_gradient_fixtures.py` reimplements them), the random test weights, the
/// bootstrap's resampling, and the seeding of ``SeededGenerator``. Nothing here defers to the standard library's
/// `random(in:using:)`, whose algorithm is an implementation detail.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits: advances the state by the golden-ratio increment and mixes it.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniform float in `[0, 1)` from the top 24 bits of one output, `(x >> 40) * 2^-24` (exact in float32).
    public mutating func unitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform double in `[0, 1)` from the top 53 bits of one output, `(x >> 11) * 2^-53`.
    public mutating func unitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}

import Foundation

/// A seeded stream of uniform and Gaussian numbers, written out so that a Python reimplementation (the fixture
/// script) draws exactly the same values: SmoothGrad's noise and the random baseline depend on nothing else.
///
/// - Generator: SplitMix64 (Steele, Lea and Flood 2014) from `seed`.
/// - ``uniform()``: the top 24 bits of one output, `(x >> 40) * 2^-24`, in `[0, 1)` (exact in float32).
/// - ``normal()``: Box–Muller in double precision on two outputs, `u1 = ((x1 >> 11) + 1) * 2^-53` in `(0, 1]`,
///   `u2 = (x2 >> 11) * 2^-53`, `r = sqrt(-2 ln u1)`; returns `r cos(2π u2)`, then `r sin(2π u2)` on the next call.
package struct SeededNoise: Sendable {
    private var state: UInt64
    private var spare: Double?

    package init(seed: UInt64) {
        state = seed
    }

    /// The seed for one image: `seed` XOR the 64-bit FNV-1a hash of the id's UTF-8 bytes (`seed` itself when
    /// there is no id), so maps differ between images but repeat for the same image.
    package static func seed(_ seed: UInt64, imageID: String?) -> UInt64 {
        guard let imageID else { return seed }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in imageID.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return seed ^ hash
    }

    /// The next raw SplitMix64 output.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniform value in `[0, 1)` with 24 random bits.
    package mutating func uniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A standard normal value (double precision).
    package mutating func normal() -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        let u1 = Double((next() >> 11) + 1) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spare = radius * sin(angle)
        return radius * cos(angle)
    }
}

import Foundation
import SeededRandom

/// A seeded stream of uniform and Gaussian numbers, written out so that a Python reimplementation (the fixture
/// script) draws exactly the same values: SmoothGrad's noise and the random baseline depend on nothing else.
///
/// - Generator: ``SplitMix64`` from `seed`.
/// - ``uniform()``: the top 24 bits of one output, `(x >> 40) * 2^-24`, in `[0, 1)` (exact in float32).
/// - ``normal()``: Box–Muller in double precision on two outputs, `u1 = ((x1 >> 11) + 1) * 2^-53` in `(0, 1]`,
///   `u2 = (x2 >> 11) * 2^-53`, `r = sqrt(-2 ln u1)`; returns `r cos(2π u2)`, then `r sin(2π u2)` on the next call.
package struct SeededNoise: Sendable {
    private var generator: SplitMix64
    private var spare: Double?

    package init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    /// The seed for one image: `seed` XOR the 64-bit FNV-1a hash of the id's UTF-8 bytes (`seed` itself when
    /// there is no id), so maps differ between images but repeat for the same image.
    package static func seed(_ seed: UInt64, imageID: String?) -> UInt64 {
        guard let imageID else { return seed }
        return seed ^ FNV1a64.hash(imageID)
    }

    /// A uniform value in `[0, 1)` with 24 random bits.
    package mutating func uniform() -> Float {
        generator.unitFloat()
    }

    /// A standard normal value (double precision).
    package mutating func normal() -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        // ((x >> 11) + 1) * 2^-53, exactly (both terms and the sum are multiples of 2^-53 below 2): u1 lies in
        // (0, 1], so its logarithm is finite.
        let u1 = generator.unitDouble() + 0x1p-53
        let u2 = generator.unitDouble()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spare = radius * sin(angle)
        return radius * cos(angle)
    }
}

/// How a per-channel input attribution `[C, S, S]` becomes a pixel map `[S, S]` (an option of the input-gradient
/// methods: `reduce=`).
package enum ChannelReduction: String, Sendable, CaseIterable, MethodOptionChoice {
    /// `max_c |a_c|`: Simonyan et al. 2014, §3.1 ("the maximum magnitude of w across all colour channels").
    case max
    /// `Σ_c |a_c|`: what Captum shows for `Saliency` (`abs=True`) with `visualize_image_attr`, which sums the
    /// attribution over the channel axis.
    case sum
    /// `Σ_c a_c`, the signed sum: Captum's channel sum of `InputXGradient` and `IntegratedGradients`
    /// attributions before any sign choice.
    case signed
    /// `|Σ_c a_c|`: Captum's `visualize_image_attr(sign="absolute_value")` of a signed attribution.
    case abs

    /// Reduces `attribution`, `[C, plane]` row-major, to `[plane]`.
    package func reduce(_ attribution: UnsafeBufferPointer<Float>, channels: Int) -> [Float] {
        let plane = attribution.count / channels
        var result = [Float](repeating: 0, count: plane)
        result.withUnsafeMutableBufferPointer { output in
            for channel in 0..<channels {
                let base = channel * plane
                switch self {
                case .max:
                    for index in 0..<plane {
                        let value = Swift.abs(attribution[base + index])
                        output[index] = channel == 0 ? value : Swift.max(output[index], value)
                    }
                case .sum:
                    for index in 0..<plane { output[index] += Swift.abs(attribution[base + index]) }
                case .signed, .abs:
                    for index in 0..<plane { output[index] += attribution[base + index] }
                }
            }
            if self == .abs {
                for index in 0..<plane { output[index] = Swift.abs(output[index]) }
            }
        }
        return result
    }
}

import Foundation
import Tensor

/// RISE's blur substrate (eclique/RISE `evaluation.py`: `gkern(11, 5)` and `conv2d(x, kern, padding=5)`):
/// every channel of the normalised image `[3, S, S]` convolved with one `11 x 11` kernel, zero padding.
///
/// The kernel is not a sampled Gaussian: RISE builds it as scipy's `gaussian_filter(delta, 5)` of an `11 x 11`
/// delta, i.e. a 1-D Gaussian of sigma 5 truncated at radius `int(4 * 5 + 0.5) = 20` (41 taps, normalised to sum
/// 1) applied along each axis with scipy's `mode='reflect'` (`d c b a | a b c d | d c b a`), which folds the mass
/// beyond the 11 pixels back in; the float64 result is cast to float32. The kernel is symmetric, so
/// convolution and PyTorch's cross-correlation agree.
public enum PerturbationBlur {
    /// Kernel side.
    public static let kernelSize = 11
    /// Gaussian sigma.
    public static let sigma = 5.0

    /// The `11 x 11` kernel, row-major, float32 as `kern.astype('float32')`.
    public static let kernel: [Float] = {
        let size = kernelSize
        let radius = Int(4 * sigma + 0.5)  // scipy's truncate = 4.0
        var weights = (-radius...radius).map { offset in exp(-0.5 / (sigma * sigma) * Double(offset * offset)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        // scipy reflect: the index seen from position `index` of an axis of `size` values.
        func reflect(_ index: Int) -> Int {
            let period = 2 * size
            let folded = ((index % period) + period) % period
            return folded < size ? folded : period - 1 - folded
        }
        let centre = size / 2
        // The smoothed 1-D delta: out[x] = sum_j w[j] * delta[reflect(x + j)] (scipy's pass along one axis).
        let axis = (0..<size).map { position in
            (-radius...radius).reduce(0.0) { sum, offset in
                reflect(position + offset) == centre ? sum + weights[offset + radius] : sum
            }
        }
        // scipy filters axis 0, then axis 1 of that result, whose row `r` is `axis[r]` times a delta: the second
        // pass sums `axis[r] * w[j]` over the taps that land on the centre column.
        var result = [Float](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0..<size {
                let value = (-radius...radius).reduce(0.0) { sum, offset in
                    reflect(column + offset) == centre ? sum + axis[row] * weights[offset + radius] : sum
                }
                result[row * size + column] = Float(value)
            }
        }
        return result
    }()

    /// The blurred image: `image` is `[C, S, S]` (any channel count; each channel on its own), same shape out.
    public static func blurred(_ image: Tensor) -> Tensor {
        precondition(image.rank == 3 && image.shape[1] == image.shape[2], "PerturbationBlur: \(image.shape)")
        let channels = image.shape[0]
        let side = image.shape[1]
        let size = kernelSize
        let half = size / 2
        return Tensor(shape: image.shape) { output in
            image.withPointer { input in
                kernel.withUnsafeBufferPointer { weights in
                    for channel in 0..<channels {
                        let plane = input + channel * side * side
                        let target = output + channel * side * side
                        for row in 0..<side {
                            let rowStart = max(0, half - row)
                            let rowEnd = min(size, side + half - row)
                            for column in 0..<side {
                                let columnStart = max(0, half - column)
                                let columnEnd = min(size, side + half - column)
                                var sum: Float = 0
                                for kernelRow in rowStart..<rowEnd {
                                    let source = plane + (row + kernelRow - half) * side + column - half
                                    let weightRow = kernelRow * size
                                    for kernelColumn in columnStart..<columnEnd {
                                        sum += weights[weightRow + kernelColumn] * source[kernelColumn]
                                    }
                                }
                                target[row * side + column] = sum
                            }
                        }
                    }
                }
            }
        }
    }
}

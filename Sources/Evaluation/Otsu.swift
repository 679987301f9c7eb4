/// Otsu's threshold on an 8-bit histogram, as scikit-image's `threshold_otsu` computes it for a `uint8` image.
///
/// evaluation.md §5.2: skimage takes one bin per integer value from the image minimum to its maximum (so 256
/// bins at most), computes `w0(k) * w1(k+1) * (mu0(k) - mu1(k+1))^2` from cumulative sums for `k = min ... max-1`
/// and returns the first maximum; foreground is `level > threshold`. On every non-constant `uint8` image
/// OpenCV's `THRESH_OTSU` returns the same threshold. They differ on constant images, which ``ConstantRule``
/// makes explicit.
public enum Otsu {
    /// What a constant image thresholds to.
    public enum ConstantRule: String, Sendable, Hashable, Codable, CaseIterable {
        /// skimage: the threshold is the value itself, so nothing is foreground (the default).
        case skimage
        /// OpenCV: the threshold is 0, so a constant non-zero image is all foreground.
        case opencv
    }

    /// The threshold level for a 256-bin histogram (`histogram[v]` = pixels at level `v`).
    /// - Returns: the level `T`; foreground is `level > T`.
    public static func threshold(histogram: [Int], constantRule: ConstantRule = .skimage) -> Int {
        precondition(histogram.count == 256, "Otsu: expected 256 bins")
        guard let low = histogram.firstIndex(where: { $0 > 0 }),
            let high = histogram.lastIndex(where: { $0 > 0 })
        else { return 0 }
        if low == high { return constantRule == .skimage ? low : 0 }
        // Cumulative weights and means from the left (class 0 = bins <= k) and from the right (class 1 = bins
        // >= k + 1), in float64 as numpy computes them.
        let count = high - low + 1
        var leftWeight = [Double](repeating: 0, count: count)
        var leftMean = [Double](repeating: 0, count: count)
        var weight = 0.0
        var moment = 0.0
        for offset in 0..<count {
            let value = Double(histogram[low + offset])
            weight += value
            moment += value * Double(low + offset)
            leftWeight[offset] = weight
            leftMean[offset] = moment / weight
        }
        var rightWeight = [Double](repeating: 0, count: count)
        var rightMean = [Double](repeating: 0, count: count)
        weight = 0
        moment = 0
        for offset in stride(from: count - 1, through: 0, by: -1) {
            let value = Double(histogram[low + offset])
            weight += value
            moment += value * Double(low + offset)
            rightWeight[offset] = weight
            rightMean[offset] = moment / weight
        }
        var best = 0
        var bestVariance = -Double.infinity
        for offset in 0..<(count - 1) {
            let difference = leftMean[offset] - rightMean[offset + 1]
            let variance = leftWeight[offset] * rightWeight[offset + 1] * difference * difference
            // Strictly greater: numpy's argmax keeps the first maximum.
            if variance > bestVariance {
                bestVariance = variance
                best = offset
            }
        }
        return low + best
    }
}

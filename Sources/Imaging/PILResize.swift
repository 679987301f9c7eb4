/// Pillow's `Image.resize(size, filter)` for 8-bit images, reproduced bit for bit.
///
/// A port of the semantics of Pillow's `src/libImaging/Resample.c` (Pillow 12.0) for 8 bits per channel,
/// and of `ImagingScaleAffine` in `Geometry.c` for `NEAREST`:
///
/// - Separable: a horizontal pass first, into an 8-bit intermediate (rounded and clipped), then a vertical
///   pass. A pass is skipped when its dimension is unchanged (`need_horizontal` / `need_vertical`); when
///   both are, the image is copied, as `Image.resize` returns `self.copy()` for an unchanged size.
/// - Filters: triangle (`BILINEAR`, support 1) and Keys cubic with `a = -0.5` (`BICUBIC`, support 2).
///   When downscaling, the kernel is stretched by the scale factor (antialiasing), so every source pixel
///   contributes.
/// - Per output pixel, the window is `xmin = (int)(center - support + 0.5)` to
///   `(int)(center + support + 0.5)` clamped to the image, with `center = (x + 0.5) * scale`; weights are
///   `filter((i - center + 0.5) / filterscale)`, normalised to sum to 1 in double precision, then converted
///   to fixed point with `PRECISION_BITS = 22`, rounding half away from zero (`(int)(w * 2^22 ± 0.5)`).
/// - Accumulation in 32-bit integers starting from `2^21` (one half), then `>> 22` and clipping to 0...255.
/// - `NEAREST`: source column `(int)(x0)` with `x0 = 0.5 * scale` accumulated by `+= scale` in double.
public enum PILResize {
    /// Pillow's `Image.Resampling` filters supported here.
    public enum Filter: String, Sendable, CaseIterable {
        /// `Image.NEAREST`: a gather, no filtering.
        case nearest
        /// `Image.BILINEAR`: triangle filter, antialiased when downscaling.
        case bilinear
        /// `Image.BICUBIC`: cubic convolution with `a = -0.5`, antialiased when downscaling.
        case bicubic

        /// The filter's support at scale 1 (Pillow's `struct filter.support`).
        var support: Double {
            switch self {
            case .nearest: 0
            case .bilinear: 1
            case .bicubic: 2
            }
        }

        /// The filter's kernel (Pillow's `bilinear_filter` and `bicubic_filter`).
        func weight(_ distance: Double) -> Double {
            let x = abs(distance)
            switch self {
            case .nearest:
                return 0
            case .bilinear:
                return x < 1 ? 1 - x : 0
            case .bicubic:
                let a = -0.5
                if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
                if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
                return 0
            }
        }
    }

    /// Fixed-point fraction bits: 32 bits minus 8 for the value minus 2 for overshoot (`PRECISION_BITS`).
    static let precisionBits: Int32 = 22

    /// One axis's resampling weights: for output index `i`, source indices `start[i] ..< start[i] + count[i]`
    /// weighted by `weights[i * stride ..< i * stride + count[i]]` (fixed point, 22 fraction bits).
    struct Coefficients {
        var start: [Int]
        var count: [Int]
        var weights: [Int32]
        var stride: Int
    }

    /// Pillow's `precompute_coeffs` followed by `normalize_coeffs_8bpc`, for the whole-image box.
    /// - Parameters:
    ///   - inputSize: the source length along this axis (> 0).
    ///   - outputSize: the target length (> 0).
    static func coefficients(inputSize: Int, outputSize: Int, filter: Filter) -> Coefficients {
        // Pillow computes `(double)(in1 - in0) / outSize` with `in0 = 0`, `in1 = inSize` as floats; for
        // sizes below 2^24 that is exactly `Double(inputSize) / Double(outputSize)`.
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1 / filterScale
        var start = [Int](repeating: 0, count: outputSize)
        var count = [Int](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * stride)
        var window = [Double](repeating: 0, count: stride)
        let unit = Double(1 << precisionBits)
        for output in 0..<outputSize {
            let center = (Double(output) + 0.5) * scale
            // C's `(int)` truncates toward zero; the values are clamped to the image right after.
            let low = max(Int((center - support + 0.5).rounded(.towardZero)), 0)
            let high = min(Int((center + support + 0.5).rounded(.towardZero)), inputSize)
            let length = max(high - low, 0)
            var total = 0.0
            for tap in 0..<length {
                let weight = filter.weight((Double(tap + low) - center + 0.5) * inverseFilterScale)
                window[tap] = weight
                total += weight
            }
            for tap in 0..<length {
                let normalised = total != 0 ? window[tap] / total : window[tap]
                // `(int)(±0.5 + w * 2^22)`: round half away from zero, then truncate.
                let scaled = normalised < 0 ? -0.5 + normalised * unit : 0.5 + normalised * unit
                weights[output * stride + tap] = Int32(scaled.rounded(.towardZero))
            }
            start[output] = low
            count[output] = length
        }
        return Coefficients(start: start, count: count, weights: weights, stride: stride)
    }

    /// Pillow's `clip8`: the accumulator shifted down by the fraction bits and clamped to 0...255.
    @inline(__always)
    static func clip8(_ accumulator: Int32) -> UInt8 {
        let value = accumulator >> precisionBits
        return value < 0 ? 0 : (value > 255 ? 255 : UInt8(truncatingIfNeeded: value))
    }

    /// Resizes interleaved 8-bit samples as Pillow does.
    /// - Parameters:
    ///   - samples: `height * width * channels` bytes, shape `[height, width, channels]`.
    ///   - channels: samples per pixel (1 for mode "L", 3 for "RGB").
    ///   - targetWidth, targetHeight: the output size, both > 0.
    /// - Returns: `targetHeight * targetWidth * channels` bytes, shape `[targetHeight, targetWidth, channels]`.
    package static func resize(
        _ samples: [UInt8], width: Int, height: Int, channels: Int, targetWidth: Int, targetHeight: Int,
        filter: Filter
    ) -> [UInt8] {
        precondition(width > 0 && height > 0, "PILResize: the source image is empty")
        precondition(targetWidth > 0 && targetHeight > 0, "PILResize: target size must be positive")
        precondition(samples.count == width * height * channels, "PILResize: sample count mismatch")
        if width == targetWidth && height == targetHeight { return samples }
        if filter == .nearest {
            return nearest(
                samples, width: width, height: height, channels: channels, targetWidth: targetWidth,
                targetHeight: targetHeight)
        }
        let vertical = coefficients(inputSize: height, outputSize: targetHeight, filter: filter)
        var current = samples
        var currentFirstRow = 0
        if width != targetWidth {
            // Pillow resamples only the rows the vertical pass reads (`ybox_first ..< ybox_last`).
            let firstRow = vertical.start[0]
            let lastRow = vertical.start[targetHeight - 1] + vertical.count[targetHeight - 1]
            let horizontal = coefficients(inputSize: width, outputSize: targetWidth, filter: filter)
            current = horizontalPass(
                samples, width: width, channels: channels, rows: firstRow..<lastRow, coefficients: horizontal)
            currentFirstRow = firstRow
        }
        if height != targetHeight {
            current = verticalPass(
                current, width: targetWidth, channels: channels, firstRow: currentFirstRow,
                coefficients: vertical)
        }
        return current
    }

    /// `ImagingResampleHorizontal_8bpc`: resamples each row of `rows`; shape `[rows.count, outWidth, channels]`.
    private static func horizontalPass(
        _ samples: [UInt8], width: Int, channels: Int, rows: Range<Int>, coefficients: Coefficients
    ) -> [UInt8] {
        let outputWidth = coefficients.start.count
        let half: Int32 = 1 << (precisionBits - 1)
        var output = [UInt8](repeating: 0, count: rows.count * outputWidth * channels)
        let starts = coefficients.start
        let counts = coefficients.count
        samples.withUnsafeBufferPointer { source in
            coefficients.weights.withUnsafeBufferPointer { weights in
                output.withUnsafeMutableBufferPointer { destination in
                    for (outputRow, row) in rows.enumerated() {
                        let rowBase = row * width * channels
                        let outputBase = outputRow * outputWidth * channels
                        for x in 0..<outputWidth {
                            let start = starts[x]
                            let count = counts[x]
                            let weightBase = x * coefficients.stride
                            if channels == 3 {
                                // RGB, the common case: the three channels in one sweep over the taps.
                                var red = half
                                var green = half
                                var blue = half
                                var index = rowBase + start * 3
                                for tap in 0..<count {
                                    let weight = weights[weightBase + tap]
                                    red &+= Int32(source[index]) &* weight
                                    green &+= Int32(source[index + 1]) &* weight
                                    blue &+= Int32(source[index + 2]) &* weight
                                    index += 3
                                }
                                let target = outputBase + x * 3
                                destination[target] = clip8(red)
                                destination[target + 1] = clip8(green)
                                destination[target + 2] = clip8(blue)
                                continue
                            }
                            for channel in 0..<channels {
                                var accumulator = half
                                var index = rowBase + start * channels + channel
                                for tap in 0..<count {
                                    accumulator &+= Int32(source[index]) &* weights[weightBase + tap]
                                    index += channels
                                }
                                destination[outputBase + x * channels + channel] = clip8(accumulator)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// `ImagingResampleVertical_8bpc`: `samples` holds rows from `firstRow` on, `width * channels` bytes each;
    /// returns shape `[outHeight, width, channels]`.
    private static func verticalPass(
        _ samples: [UInt8], width: Int, channels: Int, firstRow: Int, coefficients: Coefficients
    ) -> [UInt8] {
        let outputHeight = coefficients.start.count
        let rowLength = width * channels
        let half: Int32 = 1 << (precisionBits - 1)
        var output = [UInt8](repeating: 0, count: outputHeight * rowLength)
        var accumulators = [Int32](repeating: 0, count: rowLength)
        samples.withUnsafeBufferPointer { source in
            coefficients.weights.withUnsafeBufferPointer { weights in
                output.withUnsafeMutableBufferPointer { destination in
                    accumulators.withUnsafeMutableBufferPointer { sums in
                        for y in 0..<outputHeight {
                            let start = coefficients.start[y] - firstRow
                            let count = coefficients.count[y]
                            let weightBase = y * coefficients.stride
                            for element in 0..<rowLength { sums[element] = half }
                            // Row by row, so the inner loop walks memory contiguously; integer sums make
                            // the order irrelevant to the result.
                            for tap in 0..<count {
                                let weight = weights[weightBase + tap]
                                let rowBase = (start + tap) * rowLength
                                for element in 0..<rowLength {
                                    sums[element] &+= Int32(source[rowBase + element]) &* weight
                                }
                            }
                            let outputBase = y * rowLength
                            for element in 0..<rowLength {
                                destination[outputBase + element] = clip8(sums[element])
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Pillow's `NEAREST` resize (`ImagingScaleAffine`): source position `0.5 * scale`, stepped by `scale` in
    /// double precision, truncated; positions outside the image give 0 (Pillow's `fill`).
    private static func nearest(
        _ samples: [UInt8], width: Int, height: Int, channels: Int, targetWidth: Int, targetHeight: Int
    ) -> [UInt8] {
        func sourceIndices(inputSize: Int, outputSize: Int) -> [Int] {
            let step = Double(inputSize) / Double(outputSize)
            var position = step * 0.5
            var indices = [Int](repeating: -1, count: outputSize)
            for output in 0..<outputSize {
                let index = position < 0 ? -1 : Int(position.rounded(.towardZero))
                if index < inputSize { indices[output] = index }
                position += step
            }
            return indices
        }
        let columns = sourceIndices(inputSize: width, outputSize: targetWidth)
        let rows = sourceIndices(inputSize: height, outputSize: targetHeight)
        var output = [UInt8](repeating: 0, count: targetWidth * targetHeight * channels)
        for (y, sourceRow) in rows.enumerated() where sourceRow >= 0 {
            for (x, sourceColumn) in columns.enumerated() where sourceColumn >= 0 {
                let from = (sourceRow * width + sourceColumn) * channels
                let to = (y * targetWidth + x) * channels
                for channel in 0..<channels { output[to + channel] = samples[from + channel] }
            }
        }
        return output
    }
}

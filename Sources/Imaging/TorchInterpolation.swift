/// `torch.nn.functional.interpolate` on float planes: `bilinear` (`align_corners=False`, `antialias=False`)
/// and the legacy `nearest`, reproducing PyTorch's CPU arithmetic (checked against torch 2.15).
///
/// Planes are `[Float]` of shape `[channels, height, width]`, row-major (one image of an NCHW batch); a single
/// map is `channels = 1`.
public enum TorchInterpolation {
    /// One axis's bilinear taps: output `i` reads source `first[i]` and `second[i]` with weights
    /// `firstWeight[i]` and `secondWeight[i]`.
    struct LinearTaps {
        var first: [Int]
        var second: [Int]
        var firstWeight: [Float]
        var secondWeight: [Float]
    }

    /// torch's `compute_source_index_and_lambda` for `align_corners=False`, in float32 as torch computes it
    /// for float tensors (`UpSample.h`):
    /// - equal sizes copy (`index = i`, weights 1 and 0);
    /// - otherwise `scale = Float(in) / Float(out)`, `source = scale * (i + 0.5) - 0.5` clamped below at 0,
    ///   `index0 = min(floor(source), in - 1)`, `index1 = index0 + 1` unless at the last row,
    ///   `lambda1 = clamp(source - index0, 0, 1)`, `lambda0 = 1 - lambda1`.
    static func linearTaps(inputSize: Int, outputSize: Int) -> LinearTaps {
        var taps = LinearTaps(
            first: Array(repeating: 0, count: outputSize), second: Array(repeating: 0, count: outputSize),
            firstWeight: Array(repeating: 1, count: outputSize), secondWeight: Array(repeating: 0, count: outputSize))
        let scale = Float(inputSize) / Float(outputSize)
        for output in 0..<outputSize {
            guard inputSize != outputSize else {
                taps.first[output] = output
                taps.second[output] = output
                continue
            }
            var source = scale * (Float(output) + 0.5) - 0.5
            if source < 0 { source = 0 }
            let index = min(Int(source.rounded(.down)), inputSize - 1)
            let lambda = min(max(source - Float(index), 0), 1)
            taps.first[output] = index
            taps.second[output] = index < inputSize - 1 ? index + 1 : index
            taps.firstWeight[output] = 1 - lambda
            taps.secondWeight[output] = lambda
        }
        return taps
    }

    /// Bilinear resampling of each plane, as `F.interpolate(x, size: (outHeight, outWidth), mode: "bilinear",
    /// align_corners: False)`.
    ///
    /// The sum is torch's generic separable kernel (`cpu_upsample_generic`, `Interpolate<2>`):
    /// `row0 = x00 * w0 + x01 * w1`, `row1 = x10 * w0 + x11 * w1`, `out = row0 * h0 + row1 * h1`, where torch's
    /// AVX2 build contracts each `a * b + c * d` into `fma(a, b, c * d)`; we do the same, so the result is
    /// bit-identical whenever torch takes that kernel. torch takes a different, channels-last kernel when
    /// `outHeight + outWidth <= 128` (or channels > 3 in channels-last memory, or 3 channels on one thread);
    /// there it sums `x00 * w00 + x01 * w01 + x10 * w10 + x11 * w11` and results differ from ours by a few
    /// float32 ulps (measured: at most 2.4e-7 absolute on values of magnitude ~3).
    /// - Parameters:
    ///   - planes: `channels * height * width` values, shape `[channels, height, width]`.
    /// - Returns: shape `[channels, outHeight, outWidth]`.
    public static func bilinear(
        _ planes: [Float], channels: Int, height: Int, width: Int, outHeight: Int, outWidth: Int
    ) -> [Float] {
        precondition(channels > 0 && height > 0 && width > 0, "TorchInterpolation: empty input")
        precondition(outHeight > 0 && outWidth > 0, "TorchInterpolation: output size must be positive")
        precondition(planes.count == channels * height * width, "TorchInterpolation: value count mismatch")
        let rows = linearTaps(inputSize: height, outputSize: outHeight)
        let columns = linearTaps(inputSize: width, outputSize: outWidth)
        var output = [Float](repeating: 0, count: channels * outHeight * outWidth)
        planes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                for channel in 0..<channels {
                    let planeBase = channel * height * width
                    let outputBase = channel * outHeight * outWidth
                    for y in 0..<outHeight {
                        let row0 = planeBase + rows.first[y] * width
                        let row1 = planeBase + rows.second[y] * width
                        let h0 = rows.firstWeight[y]
                        let h1 = rows.secondWeight[y]
                        for x in 0..<outWidth {
                            let x0 = columns.first[x]
                            let x1 = columns.second[x]
                            let w0 = columns.firstWeight[x]
                            let w1 = columns.secondWeight[x]
                            let top = (source[row0 + x1] * w1).addingProduct(source[row0 + x0], w0)
                            let bottom = (source[row1 + x1] * w1).addingProduct(source[row1 + x0], w0)
                            destination[outputBase + y * outWidth + x] = (bottom * h1).addingProduct(top, h0)
                        }
                    }
                }
            }
        }
        return output
    }

    /// The source index torch's legacy `nearest` reads for each output index (`nearest_idx` in `UpSample.h`):
    /// equal sizes copy; exactly doubled sizes use `i >> 1`; otherwise
    /// `min(Int(floorf(Float(i) * scale)), in - 1)` with `scale = Float(in) / Float(out)` in float32. This is
    /// not Pillow's nearest (which samples pixel centres); it is what `F.interpolate(mode="nearest")` gives.
    public static func nearestSourceIndices(inputSize: Int, outputSize: Int) -> [Int] {
        if inputSize == outputSize { return Array(0..<outputSize) }
        if outputSize == 2 * inputSize { return (0..<outputSize).map { $0 >> 1 } }
        let scale = Float(inputSize) / Float(outputSize)
        return (0..<outputSize).map { min(Int((Float($0) * scale).rounded(.down)), inputSize - 1) }
    }

    /// Legacy nearest resampling of each plane, as `F.interpolate(x, size: (outHeight, outWidth))`
    /// (`mode="nearest"`); works for any element type (float maps, label masks).
    /// - Parameters:
    ///   - planes: shape `[channels, height, width]`.
    /// - Returns: shape `[channels, outHeight, outWidth]`.
    public static func nearest<Element>(
        _ planes: [Element], channels: Int, height: Int, width: Int, outHeight: Int, outWidth: Int
    ) -> [Element] {
        precondition(channels > 0 && height > 0 && width > 0, "TorchInterpolation: empty input")
        precondition(outHeight > 0 && outWidth > 0, "TorchInterpolation: output size must be positive")
        precondition(planes.count == channels * height * width, "TorchInterpolation: value count mismatch")
        let rows = nearestSourceIndices(inputSize: height, outputSize: outHeight)
        let columns = nearestSourceIndices(inputSize: width, outputSize: outWidth)
        var output: [Element] = []
        output.reserveCapacity(channels * outHeight * outWidth)
        for channel in 0..<channels {
            let planeBase = channel * height * width
            for y in 0..<outHeight {
                let rowBase = planeBase + rows[y] * width
                for x in 0..<outWidth { output.append(planes[rowBase + columns[x]]) }
            }
        }
        return output
    }
}

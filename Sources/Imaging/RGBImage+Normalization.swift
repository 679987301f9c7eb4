extension RGBImage {
    /// The image as a normalised float tensor, shape `[3, height, width]` (channel planes), as torchvision's
    /// `ToTensor()` followed by `Normalize(mean, std)` computes it in float32: `(value / 255 - mean) / std`.
    /// - Parameters:
    ///   - mean: per-channel mean (timm's ViT tags use 0.5; ImageNet-default models 0.485, 0.456, 0.406).
    ///   - std: per-channel standard deviation.
    public func normalizedPlanes(mean: (Float, Float, Float), std: (Float, Float, Float)) -> [Float] {
        let planeSize = width * height
        var output = [Float](repeating: 0, count: planeSize * 3)
        let means = [mean.0, mean.1, mean.2]
        let deviations = [std.0, std.1, std.2]
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for channel in 0..<3 {
                    let channelMean = means[channel]
                    let channelStd = deviations[channel]
                    let base = channel * planeSize
                    for pixel in 0..<planeSize {
                        // Two float32 operations in torchvision's order, so results match bit for bit.
                        let scaled = Float(source[pixel * 3 + channel]) / 255
                        target[base + pixel] = (scaled - channelMean) / channelStd
                    }
                }
            }
        }
        return output
    }
}

extension RGBImage {
    /// The image as a normalised float tensor, shape `[3, height, width]` (channel planes), as torchvision's
    /// `ToTensor()` followed by `Normalize(mean, std)` computes it in float32: `(value / 255 - mean) / std`.
    public func normalizedPlanes(_ normalization: ChannelNormalization) -> [Float] {
        let planeSize = width * height
        var output = [Float](repeating: 0, count: planeSize * 3)
        pixels.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for channel in 0..<3 {
                    let channelMean = normalization.mean[channel]
                    let channelStd = normalization.std[channel]
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

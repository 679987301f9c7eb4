extension JPEGCodec.Decoded {
    /// The image as 8-bit RGB, as Pillow's `convert("RGB")` gives it.
    ///
    /// Gray is replicated. CMYK JPEGs are read by Pillow with raw mode `CMYK;I` (Adobe's inverted
    /// convention), then converted with `cmyk2rgb`: `nk = 255 - k; channel = nk - round(c * nk / 255)`.
    public func rgb() -> RGBImage {
        let pixelCount = width * height
        switch model {
        case .rgb:
            return RGBImage(width: width, height: height, pixels: samples)
        case .gray:
            var output = [UInt8](repeating: 0, count: pixelCount * 3)
            for pixel in 0..<pixelCount {
                let gray = samples[pixel]
                output[pixel * 3] = gray
                output[pixel * 3 + 1] = gray
                output[pixel * 3 + 2] = gray
            }
            return RGBImage(width: width, height: height, pixels: output)
        case .cmyk:
            var output = [UInt8](repeating: 0, count: pixelCount * 3)
            for pixel in 0..<pixelCount {
                // Adobe CMYK JPEGs store inverted ink values.
                let inverseKey = Int(samples[pixel * 4 + 3])  // 255 - k with k = 255 - raw
                for channel in 0..<3 {
                    let ink = 255 - Int(samples[pixel * 4 + channel])
                    let product = ink * inverseKey + 128
                    let scaled = ((product >> 8) + product) >> 8
                    output[pixel * 3 + channel] = UInt8(clamping: inverseKey - scaled)
                }
            }
            return RGBImage(width: width, height: height, pixels: output)
        }
    }
}

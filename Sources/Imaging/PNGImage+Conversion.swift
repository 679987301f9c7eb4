extension PNGImage {
    /// ``rgb()``, reusing the samples' buffer where it can: 8-bit RGB is wrapped as it is and 8-bit RGBA is
    /// compacted in place, so a large image is not held twice while it converts. The values equal ``rgb()``'s.
    public consuming func intoRGB() -> RGBImage {
        guard case .eight(var values) = samples, bitDepth == 8, colorType == .rgb || colorType == .rgba else {
            return rgb()
        }
        // Drop this image's reference, so `values` is the buffer's only owner and changes it in place.
        samples = .eight([])
        if channels == 4 {
            let pixelCount = width * height
            // Pixel p moves from 4p to 3p <= 4p: every read happens before any write overtakes it.
            for pixel in 0..<pixelCount {
                values[pixel * 3] = values[pixel * 4]
                values[pixel * 3 + 1] = values[pixel * 4 + 1]
                values[pixel * 3 + 2] = values[pixel * 4 + 2]
            }
            values.removeLast(pixelCount)
        }
        return RGBImage(width: width, height: height, pixels: values)
    }

    /// The image as 8-bit RGB, as Pillow's `Image.open(path).convert("RGB")` gives it.
    ///
    /// Pillow's rules: alpha is dropped (not composited); gray below 8 bits is scaled to 0...255 (1-bit
    /// via mode "1", 2-bit x85, 4-bit x17); 16-bit colour keeps the high byte; 16-bit gray opens as mode
    /// "I;16" and is clipped to 255 on conversion; palette indices map through the palette, indices past
    /// its end give black.
    public func rgb() -> RGBImage {
        let pixelCount = width * height
        var output = [UInt8](repeating: 0, count: pixelCount * 3)
        switch samples {
        case .eight(let values):
            switch colorType {
            case .gray, .grayAlpha:
                let scale: Int
                switch bitDepth {
                case 1: scale = 255
                case 2: scale = 85
                case 4: scale = 17
                default: scale = 1
                }
                for pixel in 0..<pixelCount {
                    let gray = UInt8(truncatingIfNeeded: Int(values[pixel * channels]) * scale)
                    output[pixel * 3] = gray
                    output[pixel * 3 + 1] = gray
                    output[pixel * 3 + 2] = gray
                }
            case .rgb, .rgba:
                for pixel in 0..<pixelCount {
                    output[pixel * 3] = values[pixel * channels]
                    output[pixel * 3 + 1] = values[pixel * channels + 1]
                    output[pixel * 3 + 2] = values[pixel * channels + 2]
                }
            case .palette:
                let entries = palette.count / 3
                for pixel in 0..<pixelCount {
                    let index = Int(values[pixel])
                    guard index < entries else { continue }
                    output[pixel * 3] = palette[index * 3]
                    output[pixel * 3 + 1] = palette[index * 3 + 1]
                    output[pixel * 3 + 2] = palette[index * 3 + 2]
                }
            }
        case .sixteen(let values):
            switch colorType {
            case .gray:
                for pixel in 0..<pixelCount {
                    let gray = UInt8(min(values[pixel], 255))
                    output[pixel * 3] = gray
                    output[pixel * 3 + 1] = gray
                    output[pixel * 3 + 2] = gray
                }
            case .grayAlpha:
                for pixel in 0..<pixelCount {
                    let gray = UInt8(values[pixel * channels] >> 8)
                    output[pixel * 3] = gray
                    output[pixel * 3 + 1] = gray
                    output[pixel * 3 + 2] = gray
                }
            case .rgb, .rgba, .palette:
                for pixel in 0..<pixelCount {
                    for channel in 0..<3 {
                        output[pixel * 3 + channel] = UInt8(values[pixel * channels + channel] >> 8)
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: output)
    }

    /// The first channel's raw values as 8-bit: palette indices for palette images (VOC masks), gray
    /// levels for 8-bit gray. Low bit depths are not scaled (a 1-bit mask gives 0 and 1); 16-bit values
    /// are clipped to 255.
    public func indices() -> GrayImage {
        let pixelCount = width * height
        var output = [UInt8](repeating: 0, count: pixelCount)
        switch samples {
        case .eight(let values):
            for pixel in 0..<pixelCount { output[pixel] = values[pixel * channels] }
        case .sixteen(let values):
            for pixel in 0..<pixelCount { output[pixel] = UInt8(min(values[pixel * channels], 255)) }
        }
        return GrayImage(width: width, height: height, values: output)
    }

    /// The first channel as Float, unscaled (0...65535 for 16-bit, 0...255 for 8-bit), shape `[height, width]`.
    public func firstChannelValues() -> [Float] {
        switch samples {
        case .eight(let values):
            return (0..<(width * height)).map { Float(values[$0 * channels]) }
        case .sixteen(let values):
            return (0..<(width * height)).map { Float(values[$0 * channels]) }
        }
    }
}

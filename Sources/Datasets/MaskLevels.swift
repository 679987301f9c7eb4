import Imaging

/// Readings of a mask PNG as one 8-bit level per pixel, shape `[height, width]`.
///
/// Annotation tools write masks as gray, gray+alpha, RGB, RGBA or palette PNGs; each dataset's reference code
/// reads them in its own way, and each reading here names the one it reproduces.
package enum MaskLevels {
    /// Decodes the PNG at `path`.
    /// - Throws: ``DatasetError/missingFile(path:)`` when absent, ``DatasetError/image(_:)`` when it is not a
    ///   readable PNG.
    package static func decodePNG(_ path: String) throws -> PNGImage {
        do {
            return try PNGCodec.decode(contentsOf: path)
        } catch ImageError.fileNotFound(let missing) {
            throw DatasetError.missingFile(path: missing)
        } catch let error as ImageError {
            throw DatasetError.image(error)
        }
    }

    /// The first channel as Pillow's `convert("RGB")` presents it: the gray level (1/2/4-bit gray scaled to
    /// 0...255, 16-bit clipped to 255), the red sample of RGB(A), the red component of a palette colour.
    /// Extra channels (alpha, green, blue) are ignored. For the usual masks whose colour channels are equal this
    /// equals Pillow's `convert("L")`.
    package static func firstChannel(_ png: PNGImage) -> GrayImage {
        switch (png.samples, png.colorType) {
        case (.eight(let values), .gray) where png.bitDepth == 8:
            return GrayImage(width: png.width, height: png.height, values: values)
        default:
            let rgb = png.rgb()
            return GrayImage(
                width: png.width, height: png.height,
                values: (0..<(png.width * png.height)).map { rgb.pixels[$0 * 3] })
        }
    }

    /// The level OpenCV's `cv2.imread(path, cv2.IMREAD_GRAYSCALE)` returns: gray as stored (1/2/4-bit expanded
    /// to 0...255 by libpng, 16-bit reduced to the high byte by `png_set_strip_16`), alpha stripped, colour and
    /// palette pixels converted by libpng's `png_set_rgb_to_gray(png, 1, 0.299, 0.587)`, which OpenCV's PNG
    /// decoder requests. Without a gamma table libpng keeps a grey pixel (`R == G == B`) as is and otherwise
    /// truncates `(9797 R + 19234 G + 3737 B) >> 15` (coefficients `0.299 * 32768` and `0.587 * 32768` truncated,
    /// blue the remainder; `png_do_rgb_to_gray`). Checked against `cv2.imread` (OpenCV 5.0.0) on the fixture:
    /// (255, 0, 0) -> 76, (0, 255, 0) -> 149, (0, 0, 255) -> 29, (1, 0, 0) -> 0.
    package static func openCVGray(_ png: PNGImage) -> GrayImage {
        let pixelCount = png.width * png.height
        var output = [UInt8](repeating: 0, count: pixelCount)
        switch png.colorType {
        case .gray, .grayAlpha:
            switch png.samples {
            case .eight:
                // rgb() replicates the gray level after the same expansion of low bit depths.
                let rgb = png.rgb()
                for pixel in 0..<pixelCount { output[pixel] = rgb.pixels[pixel * 3] }
            case .sixteen(let values):
                for pixel in 0..<pixelCount { output[pixel] = UInt8(values[pixel * png.channels] >> 8) }
            }
        case .rgb, .rgba, .palette:
            // rgb() keeps the high byte of 16-bit colour and expands palette indices, as libpng does here.
            let rgb = png.rgb()
            for pixel in 0..<pixelCount {
                let red = Int(rgb.pixels[pixel * 3])
                let green = Int(rgb.pixels[pixel * 3 + 1])
                let blue = Int(rgb.pixels[pixel * 3 + 2])
                output[pixel] =
                    red == green && red == blue
                    ? UInt8(red) : UInt8(clamping: (9797 * red + 19234 * green + 3737 * blue) >> 15)
            }
        }
        return GrayImage(width: png.width, height: png.height, values: output)
    }

    /// The values as stored, for label-style masks: palette indices (never colours), gray levels unscaled
    /// (a 1-bit mask gives 0 and 1; 16-bit clipped to 255), and the largest of R, G, B for colour masks (so any
    /// non-black colour is non-zero and pure white is 255).
    package static func storedValues(_ png: PNGImage) -> GrayImage {
        switch png.colorType {
        case .gray, .grayAlpha, .palette:
            return png.indices()
        case .rgb, .rgba:
            let rgb = png.rgb()
            let pixelCount = png.width * png.height
            var output = [UInt8](repeating: 0, count: pixelCount)
            for pixel in 0..<pixelCount {
                output[pixel] = max(rgb.pixels[pixel * 3], rgb.pixels[pixel * 3 + 1], rgb.pixels[pixel * 3 + 2])
            }
            return GrayImage(width: png.width, height: png.height, values: output)
        }
    }
}

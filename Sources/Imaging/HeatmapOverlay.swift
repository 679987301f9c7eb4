/// A map drawn over its image the way Chefer et al.'s notebooks draw it (`show_cam_on_image` in
/// hila-chefer/Transformer-Explainability): `[h, w]` map + `[h, w, 3]` image to `[h, w, 3]`.
///
/// ```
/// heatmap = applyColorMap(uint8(255 * mask), COLORMAP_JET) / 255
/// cam = heatmap + img;  cam = cam / max(cam);  vis = uint8(255 * cam)
/// ```
/// in float32, where `img` is the image in `[0, 1]`. Chefer's notebook min-max normalises the image tensor it
/// shows (`(x - min) / (max - min)` over all channels) before the call; ``overlay(_:on:stretchImage:)`` does the
/// same on the 8-bit pixels by default (`stretchImage: false` uses `pixel / 255`). One deliberate difference:
/// OpenCV's heatmap is BGR and the notebook adds it to an RGB image, then swaps the sum's channels for display,
/// which shows the jet colours right but the photo with red and blue exchanged; here the jet colours are
/// added in RGB order to the RGB image, so the photo keeps its colours. `uint8(·)` truncates, as NumPy's cast.
package enum HeatmapOverlay {
    /// Overlays `mask` (`image.height * image.width` values, expected in `[0, 1]`; values outside are clamped
    /// and NaN counts as 0) on `image`.
    package static func overlay(_ mask: [Float], on image: RGBImage, stretchImage: Bool = true) -> RGBImage {
        precondition(mask.count == image.width * image.height, "HeatmapOverlay: mask is not [h, w] of the image")
        var low: UInt8 = 0
        var high: UInt8 = 255
        if stretchImage, let minimum = image.pixels.min(), let maximum = image.pixels.max(), maximum > minimum {
            low = minimum
            high = maximum
        }
        let range = Float(high) - Float(low)
        var cam = [Float](repeating: 0, count: image.pixels.count)
        var largest: Float = 0
        for (index, value) in mask.enumerated() {
            let scaled = 255 * (value.isNaN ? 0 : value)
            let level = Int(min(max(scaled, 0), 255))
            for channel in 0..<3 {
                let heat = Float(ColorMap.jet[level * 3 + channel]) / 255
                let pixel = (Float(image.pixels[index * 3 + channel]) - Float(low)) / range
                let sum = heat + pixel
                cam[index * 3 + channel] = sum
                largest = max(largest, sum)
            }
        }
        let pixels = cam.map { UInt8(min(max(255 * ($0 / largest), 0), 255)) }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }
}

/// OpenCV's `COLORMAP_JET` as `cv2.applyColorMap` applies it to `uint8` images, in RGB order.
///
/// OpenCV samples MATLAB's jet at the 256 levels `x = i / 255` and rounds half to even (`saturate_cast`):
/// channel `= clamp(rint(382.5 - |4i - 255c|), 0, 255)` with `c = 3, 2, 1` for red, green, blue. Its stored float
/// table sits just below `1.5/255` at level 159's blue, where it gives 1 instead of 2; that entry is copied. A
/// test checks all 256 levels against `cv2.applyColorMap` (OpenCV 5.0).
package enum ColorMap {
    /// The 256 jet colours, `[256, 3]` RGB interleaved.
    package static let jet: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256 * 3)
        for level in 0..<256 {
            for (channel, centre) in [3, 2, 1].enumerated() {
                let distance = abs(4 * level - 255 * centre)
                // 382.5 - distance is always k + 0.5: round half to even.
                let below = 382 - distance
                let rounded = below.isMultiple(of: 2) ? below : below + 1
                table[level * 3 + channel] = UInt8(clamping: rounded)
            }
        }
        table[159 * 3 + 2] = 1
        return table
    }()

    /// The jet colour of `level`.
    package static func jet(_ level: UInt8) -> (r: UInt8, g: UInt8, b: UInt8) {
        let index = Int(level) * 3
        return (jet[index], jet[index + 1], jet[index + 2])
    }

    /// Colours a grayscale image with jet, as `cv2.applyColorMap(gray, cv2.COLORMAP_JET)` with its BGR output
    /// turned to RGB. Shape `[h, w]` to `[h, w, 3]`.
    package static func applyJet(_ gray: GrayImage) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: gray.width * gray.height * 3)
        for (index, level) in gray.values.enumerated() {
            let colour = Int(level) * 3
            pixels[index * 3] = jet[colour]
            pixels[index * 3 + 1] = jet[colour + 1]
            pixels[index * 3 + 2] = jet[colour + 2]
        }
        return RGBImage(width: gray.width, height: gray.height, pixels: pixels)
    }
}

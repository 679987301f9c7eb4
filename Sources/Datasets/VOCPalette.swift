/// The Pascal VOC colour map that the `SegmentationClass` and `SegmentationObject` PNGs carry as their palette.
///
/// Source: the VOC devkit's `VOClabelcolormap.m` (bit-interleave): for index `i`, for `j` in 0..<8, bit 0 of
/// `i` goes to red bit `7 - j`, bit 1 to green bit `7 - j`, bit 2 to blue bit `7 - j`, then `i >>= 3`.
/// Index 0 (background) is black, 1 (aeroplane) is (128, 0, 0), 15 (person) is (192, 128, 128), and
/// 255 (void) is (224, 224, 192).
package enum VOCPalette {
    /// 256 RGB triplets, `colors[3 * i + c]`, shape `[256, 3]`: the palette to write into a VOC mask PNG.
    package static let colors: [UInt8] = (0..<256).flatMap { index -> [UInt8] in
        let color = color(ofIndex: index)
        return [color.r, color.g, color.b]
    }

    /// The colour of palette index `index` (0...255) by the devkit's bit-interleave rule.
    package static func color(ofIndex index: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        var red = 0
        var green = 0
        var blue = 0
        var bits = index & 0xFF
        for shift in stride(from: 7, through: 0, by: -1) {
            red |= (bits & 1) << shift
            green |= ((bits >> 1) & 1) << shift
            blue |= ((bits >> 2) & 1) << shift
            bits >>= 3
        }
        return (UInt8(red), UInt8(green), UInt8(blue))
    }
}

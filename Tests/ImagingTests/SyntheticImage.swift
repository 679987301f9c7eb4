@testable import Imaging

/// The photo-like test image of `synthetic_rgb` in `tools/make_imaging_fixtures.py`, rebuilt with the same
/// integer arithmetic so the 500x375 resize input need not be stored; the manifest's FNV-1a hash checks it.
enum SyntheticImage {
    /// The image, shape `[height, width, 3]`; `width, height >= 2`.
    static func make(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let mask = 0xFFFF_FFFF
        for y in 0..<height {
            for x in 0..<width {
                var value = [
                    40 + x * 170 / (width - 1) + (x * y * 60) / (width * height),
                    30 + y * 150 / (height - 1) + ((x - width / 2) * (x - width / 2) * 50) / (width * width / 4 + 1),
                    230 - (x * 90 / (width - 1)) - (y * 100 / (height - 1)),
                ]
                let dx = x * 100 - 62 * width
                let dy = y * 100 - 40 * height
                let radius = 18 * min(width, height)
                if dx * dx + dy * dy < radius * radius { value = [250, 245, 10] }
                if abs(x * 100 - 25 * width) < 4 * width + 100 && y * 100 > 20 * height && y * 100 < 85 * height {
                    value = [5, 10, 20]
                }
                for channel in 0..<3 {
                    let hashed = ((x * 73_856_093) & mask) ^ ((y * 19_349_663) & mask) ^ ((channel * 83_492_791) & mask)
                    let noisy = value[channel] + (hashed >> 13) % 7 - 3
                    pixels[(y * width + x) * 3 + channel] = UInt8(min(max(noisy, 0), 255))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// 32-bit FNV-1a of `bytes`.
    static func fnv1a(_ bytes: [UInt8]) -> UInt32 {
        bytes.reduce(UInt32(0x811C_9DC5)) { ($0 ^ UInt32($1)) &* 0x0100_0193 }
    }
}

import Testing

@testable import Imaging

struct NormalizationTests {
    /// Values worked by hand from torchvision's float32 formula `(v / 255 - mean) / std`.
    @Test(arguments: [
        (UInt8(0), Float(-1)), (UInt8(255), Float(1)), (UInt8(128), Float(128) / 255 * 2 - 1),
    ])
    func halfMeanHalfStd(value: UInt8, expected: Float) {
        let image = RGBImage(width: 1, height: 1, fill: (value, value, value))
        let planes = image.normalizedPlanes(.inception)
        #expect(planes == [expected, expected, expected])
    }

    @Test func planesAreChannelMajor() {
        let image = RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 0, 255, 0])
        let planes = image.normalizedPlanes(ChannelNormalization(mean: [0, 0, 0], std: [1, 1, 1]))
        #expect(planes == [1, 0, 0, 1, 0, 0])
    }
}

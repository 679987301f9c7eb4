import Foundation
import Testing

@testable import Imaging

struct CodecRoundTripTests {
    @Test func pngRGBRoundTripIsExact() throws {
        let pixels = (0..<(7 * 5 * 3)).map { UInt8(($0 * 37) % 256) }
        let image = RGBImage(width: 7, height: 5, pixels: pixels)
        let decoded = try ImageDecoder.decodeRGB(PNGCodec.encode(image))
        #expect(decoded == image)
    }

    @Test func palettePNGKeepsIndices() throws {
        let indices = GrayImage(width: 4, height: 2, values: [0, 1, 2, 255, 255, 2, 1, 0])
        let palette: [UInt8] = (0..<256).flatMap { [UInt8($0), UInt8(255 - $0), UInt8(7)] }
        let png = try PNGCodec.decode(PNGCodec.encode(indices, palette: palette))
        #expect(png.colorType == .palette)
        #expect(png.indices() == indices)
        #expect(png.rgb()[3, 0] == (r: 255, g: 0, b: 7))
    }

    @Test func jpegRoundTripIsClose() throws {
        let image = RGBImage(width: 16, height: 16, fill: (200, 100, 50))
        let decoded = try ImageDecoder.decodeRGB(JPEGCodec.encode(image, quality: 95))
        #expect(decoded.width == 16 && decoded.height == 16)
        for (original, restored) in zip(image.pixels, decoded.pixels) {
            #expect(abs(Int(original) - Int(restored)) <= 3)
        }
    }

    @Test(arguments: [0, 1, 10, 100, 500])
    func truncatedJPEGIsATypedError(length: Int) throws {
        let data = try JPEGCodec.encode(RGBImage(width: 32, height: 32, fill: (1, 2, 3)))
        #expect(throws: ImageError.self) { try ImageDecoder.decodeRGB(data.prefix(length), path: "cut.jpg") }
    }
}

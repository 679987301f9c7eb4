import Foundation
import TestSupport
import Testing

@testable import Imaging

/// Decompression bombs: a header that declares more pixels than the limit is refused from the header, with the
/// declared size and the limit in the error, and a raised limit lets a big-enough image through.
@Suite("Pixel limit", .serialized)
struct PixelLimitTests {
    /// A hand-made bomb of each format declaring 30000 x 30000 (9e8 pixels, above the 2^28 default).
    static func bomb(_ format: String) -> Data {
        format == "png"
            ? Data(ImageBombs.png(width: 30000, height: 30000)) : Data(ImageBombs.jpeg(width: 30000, height: 30000))
    }

    @Test("the hand-made bomb files are well formed up to their pixel data (correct IHDR CRC, SOF0)")
    func bombsAreWellFormed() {
        // The CRC of the standard check string.
        #expect(ImageBombs.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(ImageDecoder.sniff(Self.bomb("png")) == .png)
        #expect(ImageDecoder.sniff(Self.bomb("jpeg")) == .jpeg)
    }

    @Test("a header declaring 30000x30000 is refused with its size and the limit", arguments: ["png", "jpeg"])
    func bombIsRefused(format: String) {
        #expect(ImageDecoder.defaultPixelLimit == 1 << 28)
        let expected = ImageError.tooManyPixels(path: "bomb.\(format)", width: 30000, height: 30000, limit: 1 << 28)
        #expect(throws: expected) {
            try ImageDecoder.decodeRGB(Self.bomb(format), path: "bomb.\(format)", pixelLimit: 1 << 28)
        }
        let message = expected.description
        #expect(message.contains("30000x30000") && message.contains("268435456"))
        #expect(message.contains("--max-image-pixels"))
        #expect(expected.path == "bomb.\(format)")
    }

    @Test("a PNG with a side longer than 65535 is refused from its header, even within the pixel limit")
    func longSideRefused() {
        // 2 x 70000 = 140,000 pixels: far under the limit, but its resize would need tables larger than the image.
        let thin = Data(ImageBombs.png(width: 2, height: 70000))
        #expect {
            try ImageDecoder.decodeRGB(thin, path: "thin.png")
        } throws: { error in
            guard case ImageError.unsupported(let path, let reason) = error else { return false }
            return path == "thin.png" && reason.contains("2x70000, a side longer than 65535")
        }
    }

    @Test("each codec refuses the bomb on its own (masks and maps decode through the codecs)")
    func codecsRefuse() {
        #expect(throws: ImageError.tooManyPixels(path: "m.png", width: 30000, height: 30000, limit: 1 << 28)) {
            try PNGCodec.decode(Self.bomb("png"), path: "m.png")
        }
        #expect(throws: ImageError.tooManyPixels(path: "m.jpg", width: 30000, height: 30000, limit: 1 << 28)) {
            try JPEGCodec.decodeRaw(Self.bomb("jpeg"), path: "m.jpg")
        }
    }

    @Test("a limit below an image's size refuses it; raising the limit decodes it", arguments: ["png", "jpeg"])
    func raisingTheLimitLetsAnImageThrough(format: String) throws {
        let image = RGBImage(width: 40, height: 30, pixels: (0..<3600).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let data = format == "png" ? try PNGCodec.encode(image) : try JPEGCodec.encode(image)
        #expect(throws: ImageError.tooManyPixels(path: "small", width: 40, height: 30, limit: 1199)) {
            try ImageDecoder.decodeRGB(data, path: "small", pixelLimit: 1199)
        }
        let decoded = try ImageDecoder.decodeRGB(data, path: "small", pixelLimit: 1200)
        #expect(decoded.width == 40 && decoded.height == 30)
    }

    @Test("a small image below the default limit decodes exactly as before", arguments: ["png", "jpeg"])
    func smallImageUnchanged(format: String) throws {
        let image = RGBImage(width: 17, height: 9, pixels: (0..<459).map { UInt8(truncatingIfNeeded: $0 * 13) })
        let data = format == "png" ? try PNGCodec.encode(image) : try JPEGCodec.encode(image)
        let withDefault = try ImageDecoder.decodeRGB(data)
        let withHuge = try ImageDecoder.decodeRGB(data, pixelLimit: Int.max)
        #expect(withDefault == withHuge)
        if format == "png" { #expect(withDefault == image) }
    }

    @Test("the process-wide limit is read by every decode and can be raised and restored")
    func processWideLimit() {
        #expect(ImageDecoder.pixelLimit == ImageDecoder.defaultPixelLimit)
        defer { ImageDecoder.setPixelLimit(nil) }
        // Only raised here, so tests decoding in parallel are never refused by it.
        ImageDecoder.setPixelLimit(1 << 29)
        #expect(ImageDecoder.pixelLimit == 1 << 29)
        #expect(throws: ImageError.tooManyPixels(path: "b", width: 30000, height: 30000, limit: 1 << 29)) {
            try ImageDecoder.decodeRGB(Self.bomb("png"), path: "b")
        }
        ImageDecoder.setPixelLimit(nil)
        #expect(ImageDecoder.pixelLimit == 1 << 28)
        #expect(throws: ImageError.tooManyPixels(path: "x", width: 70000, height: 70000, limit: 1 << 28)) {
            try ImageDecoder.checkPixelCount(width: 70000, height: 70000, path: "x")
        }
    }
}

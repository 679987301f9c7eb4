import Foundation
import SeededRandom
import TestSupport
import Testing

@testable import Imaging

/// Random bytes, truncations and bit flips fed to the PNG and JPEG readers: each must decode or throw
/// an `ImageError`, never abort the process.
struct CodecFuzzTests {

    static func sampleImage() -> RGBImage {
        let pixels = (0..<(40 * 30 * 3)).map { UInt8(truncatingIfNeeded: ($0 * 7919) >> 3) }
        return RGBImage(width: 40, height: 30, pixels: pixels)
    }

    /// Decodes and reports whether it succeeded; any error must be an `ImageError`.
    static func decodeOutcome(_ data: Data) -> Bool {
        do {
            _ = try ImageDecoder.decodeRGB(data, path: "fuzz")
            return true
        } catch is ImageError {
            return false
        } catch {
            Issue.record("unexpected error type: \(error)")
            return false
        }
    }

    @Test(arguments: ["png", "jpeg"])
    func everyTruncationIsATypedErrorOrADecode(format: String) throws {
        let image = Self.sampleImage()
        let data = format == "png" ? try PNGCodec.encode(image) : try JPEGCodec.encode(image)
        var failures = 0
        for length in 0..<data.count where !Self.decodeOutcome(data.prefix(length)) { failures += 1 }
        // Cutting off the end of the file must be noticed for every cut that drops image data.
        #expect(failures >= data.count / 2)
    }

    @Test(arguments: ["png", "jpeg"])
    func bitFlipsNeverCrash(format: String) throws {
        let image = Self.sampleImage()
        let original = format == "png" ? try PNGCodec.encode(image) : try JPEGCodec.encode(image)
        var random = SplitMix64(seed: 42)
        for _ in 0..<300 {
            var bytes = [UInt8](original)
            for _ in 0..<(1 + Int(random.next() % 8)) {
                let position = Int(random.next() % UInt64(bytes.count))
                bytes[position] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            _ = Self.decodeOutcome(Data(bytes))
        }
    }

    @Test func randomBytesWithValidMagicAreTypedErrors() {
        var random = SplitMix64(seed: 7)
        let magics: [[UInt8]] = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF], []]
        for round in 0..<300 {
            let magic = magics[round % magics.count]
            let data = Data(magic + random.bytes(Int(random.next() % 2048)))
            #expect(!Self.decodeOutcome(data))
        }
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: ImageError.fileNotFound(path: "/nonexistent/x.jpg")) {
            try ImageDecoder.decodeRGB(contentsOf: "/nonexistent/x.jpg")
        }
    }
}

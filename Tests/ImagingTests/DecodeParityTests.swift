import Foundation
import Testing

@testable import Imaging

/// `ImageDecoder.decodeRGB` against Pillow's `Image.open(f).convert("RGB")` on every PNG and JPEG variant
/// the fixture script writes (see `tools/make_imaging_fixtures.py`, `decode/manifest.json`).
struct DecodeParityTests {
    struct Manifest: Decodable {
        struct Case: Decodable, CustomTestStringConvertible, Sendable {
            let name: String
            let file: String
            let expected: String?
            /// 0 for PNG; 1 for JPEG, since Pillow bundles libjpeg-turbo 3.1 and we link the system's 2.1
            /// (measured: 0 on every fixture, the ISLOW IDCT and fancy upsampling are unchanged).
            let tolerance: Int
            let pilMode: String
            let note: String
            var testDescription: String { "\(name) (\(note))" }
        }
        let cases: [Case]
    }

    static let cases: [Manifest.Case] = (try? FixturePaths.manifest("decode", as: Manifest.self).cases) ?? []

    @Test func manifestIsComplete() {
        // Guards against a silently empty argument list if the manifest went missing.
        #expect(Self.cases.count >= 25)
    }

    @Test(arguments: cases)
    func decodeMatchesPillow(_ fixture: Manifest.Case) throws {
        let path = FixturePaths.path("decode", fixture.file)
        guard let expectedName = fixture.expected else {
            #expect(throws: ImageError.self) { try ImageDecoder.decodeRGB(contentsOf: path) }
            return
        }
        let decoded = try ImageDecoder.decodeRGB(contentsOf: path)
        let expected = try NPYArray(contentsOf: FixturePaths.path("decode", expectedName))
        try #require(expected.shape == [decoded.height, decoded.width, 3])
        let reference = expected.bytes()
        var maxDifference = 0
        var differing = 0
        for (ours, theirs) in zip(decoded.pixels, reference) {
            let difference = abs(Int(ours) - Int(theirs))
            maxDifference = max(maxDifference, difference)
            if difference != 0 { differing += 1 }
        }
        #expect(
            maxDifference <= fixture.tolerance,
            "\(fixture.name): max difference \(maxDifference) over \(differing) of \(reference.count) samples")
    }

    @Test func truncatedPNGThrows() throws {
        let data = try FileBytes.read(FixturePaths.path("decode", "rgb8_pillow.png"))
        for length in [8, 33, data.count / 2, data.count - 12] {
            #expect(throws: ImageError.self) { try ImageDecoder.decodeRGB(data.prefix(length), path: "cut.png") }
        }
    }
}

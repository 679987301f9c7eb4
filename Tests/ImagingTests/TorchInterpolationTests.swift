import Foundation
import Testing

@testable import Imaging

/// `TorchInterpolation` against `torch.nn.functional.interpolate` goldens from torch 2.15 (CPU), written by
/// `tools/make_imaging_fixtures.py` into `interpolate/`.
struct TorchInterpolationTests {
    struct Manifest: Decodable {
        struct Bilinear: Decodable, CustomTestStringConvertible, Sendable {
            let name: String
            let input: String
            let expected: String
            let outHeight: Int
            let outWidth: Int
            /// Which torch CPU kernel produced the golden: "generic" (we match it bit for bit) or
            /// "channels_last" (a different summation order; a few ulps apart).
            let torchKernel: String
            var testDescription: String { "\(name) (\(torchKernel))" }
        }
        struct Nearest: Decodable, Sendable {
            let inHeight: Int
            let inWidth: Int
            let outHeight: Int
            let outWidth: Int
            let sourceRows: [Int]
            let sourceColumns: [Int]
        }
        let bilinear: [Bilinear]
        let nearest: [Nearest]
    }

    static let manifest: Manifest? = try? FixturePaths.manifest("interpolate", as: Manifest.self)

    @Test func manifestIsPresent() {
        #expect((Self.manifest?.bilinear.count ?? 0) >= 5)
        #expect((Self.manifest?.nearest.count ?? 0) >= 5)
    }

    @Test(arguments: manifest?.bilinear ?? [])
    func bilinearMatchesTorch(_ fixture: Manifest.Bilinear) throws {
        let input = try NPYArray(contentsOf: FixturePaths.path("interpolate", fixture.input))
        let expected = try NPYArray(contentsOf: FixturePaths.path("interpolate", fixture.expected))
        try #require(input.shape.count == 3)
        #expect(expected.shape == [input.shape[0], fixture.outHeight, fixture.outWidth])
        let output = TorchInterpolation.bilinear(
            input.floats(), channels: input.shape[0], height: input.shape[1], width: input.shape[2],
            outHeight: fixture.outHeight, outWidth: fixture.outWidth)
        let reference = expected.floats()
        try #require(output.count == reference.count)
        // Differences are measured relative to the input's largest magnitude: bilinear weights are convex,
        // so rounding errors scale with the inputs, not with the (possibly cancelling) output.
        let inputScale = input.floats().reduce(Float(1)) { max($0, abs($1)) }
        var differing = 0
        var maxRelative: Float = 0
        for (ours, theirs) in zip(output, reference) where ours != theirs {
            differing += 1
            maxRelative = max(maxRelative, abs(ours - theirs) / inputScale)
        }
        let summary =
            "\(fixture.name): \(differing) of \(reference.count) values differ, max \(maxRelative) x input scale"
        if fixture.torchKernel == "generic" {
            #expect(differing == 0, "\(summary)")
        } else {
            // torch's channels-last kernel rounds differently: within a few float32 ulps (2^-23 = 1.2e-7).
            #expect(maxRelative <= 1e-6, "\(summary)")
            #expect(maxRelative > 0 || differing == 0)
        }
    }

    @Test func nearestIndicesMatchTorch() throws {
        let cases = try #require(Self.manifest?.nearest)
        for fixture in cases {
            #expect(
                TorchInterpolation.nearestSourceIndices(inputSize: fixture.inHeight, outputSize: fixture.outHeight)
                    == fixture.sourceRows, "rows \(fixture.inHeight) -> \(fixture.outHeight)")
            #expect(
                TorchInterpolation.nearestSourceIndices(inputSize: fixture.inWidth, outputSize: fixture.outWidth)
                    == fixture.sourceColumns, "columns \(fixture.inWidth) -> \(fixture.outWidth)")
        }
    }

    @Test func nearestGathersPlanes() {
        // Two 2x3 planes of labels, upsampled to 4x6 (exactly doubled: torch's `i >> 1` branch).
        let planes: [UInt8] = [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60]
        let output = TorchInterpolation.nearest(planes, channels: 2, height: 2, width: 3, outHeight: 4, outWidth: 6)
        #expect(Array(output[0..<6]) == [1, 1, 2, 2, 3, 3])
        #expect(Array(output[24..<30]) == [10, 10, 20, 20, 30, 30])
        #expect(Array(output[42..<48]) == [40, 40, 50, 50, 60, 60])
    }

    @Test func bilinearKeepsConstantsAndCopiesEqualSizes() {
        let constant = [Float](repeating: 0.25, count: 14 * 14)
        let upsampled = TorchInterpolation.bilinear(
            constant, channels: 1, height: 14, width: 14, outHeight: 224, outWidth: 224)
        #expect(upsampled.allSatisfy { $0 == 0.25 })
        let planes: [Float] = (0..<12).map { Float($0) * 0.5 }
        let copied = TorchInterpolation.bilinear(planes, channels: 2, height: 2, width: 3, outHeight: 2, outWidth: 3)
        #expect(copied == planes)
    }
}

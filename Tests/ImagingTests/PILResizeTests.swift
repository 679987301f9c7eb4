import Foundation
import Testing

@testable import Imaging

/// `PILResize`, `CenterCrop` and `TorchvisionResize` against Pillow 12 / torchvision 0.29 goldens
/// (`resize/manifest.json`, written by `tools/make_imaging_fixtures.py`).
struct PILResizeTests {
    struct Manifest: Decodable {
        struct Synthetic: Decodable {
            let name: String
            let width: Int
            let height: Int
            let fnv1a: UInt32
        }
        struct Resize: Decodable, CustomTestStringConvertible, Sendable {
            let input: String
            let width: Int
            let height: Int
            let filter: String
            let expected: String
            var testDescription: String { "\(input) -> \(width)x\(height) \(filter)" }
        }
        struct Pipeline: Decodable, Sendable {
            let input: String
            let shorterSide: Int
            let crop: Int
            let resizedWidth: Int
            let resizedHeight: Int
            let expected: String
        }
        struct Crop: Decodable, Sendable {
            let input: String
            let height: Int
            let width: Int
            let expected: String
        }
        struct SizeRule: Decodable, Sendable {
            let width: Int
            let height: Int
            let shorterSide: Int
            let newWidth: Int
            let newHeight: Int
        }
        let synthetic: Synthetic
        let resizes: [Resize]
        let pipelines: [Pipeline]
        let crops: [Crop]
        let sizeRule: [SizeRule]
    }

    static let manifest: Manifest? = try? FixturePaths.manifest("resize", as: Manifest.self)

    /// A fixture input: a gray or RGB PNG, or the synthetic image rebuilt in Swift.
    enum Input {
        case rgb(RGBImage)
        case gray(GrayImage)
    }

    static func load(_ name: String) throws -> Input {
        if let synthetic = manifest?.synthetic, synthetic.name == name {
            return .rgb(SyntheticImage.make(width: synthetic.width, height: synthetic.height))
        }
        let png = try PNGCodec.decode(contentsOf: FixturePaths.path("resize", name))
        return png.colorType == .gray ? .gray(png.indices()) : .rgb(png.rgb())
    }

    /// Agreement of two sample arrays: how many samples differ at all, by more than 1, and the largest gap.
    struct Agreement: CustomStringConvertible {
        var count = 0
        var differing = 0
        var offByMoreThanOne = 0
        var maxDifference = 0
        init(_ ours: [UInt8], _ theirs: [UInt8]) {
            count = ours.count
            for (a, b) in zip(ours, theirs) {
                let difference = abs(Int(a) - Int(b))
                if difference > 0 { differing += 1 }
                if difference > 1 { offByMoreThanOne += 1 }
                maxDifference = max(maxDifference, difference)
            }
        }
        var description: String {
            "\(count - differing)/\(count) samples equal, \(offByMoreThanOne) off by > 1, max \(maxDifference)"
        }
    }

    @Test func syntheticInputMatchesTheScript() throws {
        let synthetic = try #require(Self.manifest?.synthetic)
        let image = SyntheticImage.make(width: synthetic.width, height: synthetic.height)
        #expect(SyntheticImage.fnv1a(image.pixels) == synthetic.fnv1a)
    }

    @Test(arguments: manifest?.resizes ?? [])
    func resizeMatchesPillow(_ fixture: Manifest.Resize) throws {
        let filter = try #require(PILResize.Filter(rawValue: fixture.filter))
        let expectedPNG = try PNGCodec.decode(contentsOf: FixturePaths.path("resize", fixture.expected))
        let agreement: Agreement
        switch try Self.load(fixture.input) {
        case .rgb(let image):
            let resized = image.resized(width: fixture.width, height: fixture.height, filter: filter)
            agreement = Agreement(resized.pixels, expectedPNG.rgb().pixels)
        case .gray(let image):
            try #require(expectedPNG.colorType == .gray)
            let resized = image.resized(width: fixture.width, height: fixture.height, filter: filter)
            agreement = Agreement(resized.values, expectedPNG.indices().values)
        }
        // The target is exact equality; the brief's floor is <= 1 level on >= 99.9% of samples.
        #expect(agreement.differing == 0, "\(fixture.testDescription): \(agreement)")
        #expect(Double(agreement.offByMoreThanOne) <= 0.001 * Double(agreement.count))
    }

    @Test(arguments: manifest?.pipelines ?? [])
    func timmEvalTransformMatchesTorchvision(_ fixture: Manifest.Pipeline) throws {
        guard case .rgb(let image) = try Self.load(fixture.input) else {
            Issue.record("expected an RGB input")
            return
        }
        let resized = image.resized(shorterSide: fixture.shorterSide, filter: .bicubic)
        #expect(resized.width == fixture.resizedWidth && resized.height == fixture.resizedHeight)
        let cropped = CenterCrop(size: fixture.crop).apply(resized)
        let expected = try PNGCodec.decode(contentsOf: FixturePaths.path("resize", fixture.expected)).rgb()
        let agreement = Agreement(cropped.pixels, expected.pixels)
        #expect(cropped.width == expected.width && cropped.height == expected.height)
        #expect(agreement.differing == 0, "\(fixture.input) eval transform: \(agreement)")
    }

    @Test(arguments: manifest?.crops ?? [])
    func centerCropMatchesTorchvision(_ fixture: Manifest.Crop) throws {
        guard case .rgb(let image) = try Self.load(fixture.input) else {
            Issue.record("expected an RGB input")
            return
        }
        let cropped = CenterCrop(height: fixture.height, width: fixture.width).apply(image)
        let expected = try PNGCodec.decode(contentsOf: FixturePaths.path("resize", fixture.expected)).rgb()
        #expect(cropped == expected, "crop \(fixture.height)x\(fixture.width)")
    }

    @Test func shorterSideRuleMatchesTorchvision() throws {
        let rules = try #require(Self.manifest?.sizeRule)
        #expect(!rules.isEmpty)
        for rule in rules {
            let size = TorchvisionResize.outputSize(
                width: rule.width, height: rule.height, shorterSide: rule.shorterSide)
            #expect(size.width == rule.newWidth && size.height == rule.newHeight, "\(rule)")
        }
    }

    @Test func centerCropRoundsHalfToEven() {
        // (375 - 224) / 2 = 75.5 -> 76; (249 - 224) / 2 = 12.5 -> 12; (330 - 224) / 2 = 53.
        #expect(CenterCrop(size: 224).origin(imageWidth: 330, imageHeight: 375) == (x: 53, y: 76))
        #expect(CenterCrop(size: 224).origin(imageWidth: 249, imageHeight: 224) == (x: 12, y: 0))
        // Padding: a 5x5 crop of a 3x2 image pads 1 left, 1 top (2 bottom), so the origin is (-1, -1).
        #expect(CenterCrop(size: 5).origin(imageWidth: 3, imageHeight: 2) == (x: -1, y: -1))
    }

    @Test func unchangedSizeIsACopy() {
        let image = RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 13) })
        for filter in PILResize.Filter.allCases {
            #expect(image.resized(width: 3, height: 2, filter: filter) == image)
        }
    }

    @Test func constantImageStaysConstant() {
        // Normalised fixed-point weights sum to 2^22 +- rounding, so a flat field must survive exactly.
        let image = RGBImage(width: 37, height: 23, fill: (200, 17, 255))
        for filter in PILResize.Filter.allCases {
            for (width, height) in [(224, 224), (5, 3), (36, 23), (37, 40)] {
                let expected = RGBImage(width: width, height: height, fill: (200, 17, 255))
                #expect(image.resized(width: width, height: height, filter: filter) == expected)
            }
        }
    }
}

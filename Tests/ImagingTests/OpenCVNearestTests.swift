import Foundation
import Testing

@testable import Imaging

/// ``OpenCVNearest`` against OpenCV 5's `cv2.resize(..., interpolation=cv2.INTER_NEAREST)`
/// (`opencv-nearest/manifest.json`, written by `tools/make_mask_resize_fixtures.py`).
struct OpenCVNearestTests {
    struct Manifest: Decodable {
        struct Case: Decodable, CustomTestStringConvertible, Sendable {
            let input: String
            let width: Int
            let height: Int
            let output: String
            var testDescription: String { "\(input) -> \(width)x\(height)" }
        }
        let cases: [Case]
    }

    static let cases: [Manifest.Case] =
        (try? FixturePaths.manifest("opencv-nearest", as: Manifest.self))?.cases ?? []

    static func load(_ name: String) throws -> GrayImage {
        try PNGCodec.decode(contentsOf: FixturePaths.path("opencv-nearest", name)).indices()
    }

    @Test("equals OpenCV's INTER_NEAREST on masks, down and up", arguments: cases)
    func matchesOpenCV(_ item: Manifest.Case) throws {
        let input = try Self.load(item.input)
        let expected = try Self.load(item.output)
        let resized = input.resizedNearestOpenCV(width: item.width, height: item.height)
        #expect(resized.width == expected.width && resized.height == expected.height)
        #expect(resized.values == expected.values)
    }

    @Test("the fixture has cases, and OpenCV's sampling is not Pillow's")
    func differsFromPillow() throws {
        #expect(Self.cases.count == 12)
        let item = try #require(Self.cases.first { $0.input == "mask_500x375.png" && $0.width == 224 })
        let input = try Self.load(item.input)
        let pillow = input.resized(width: 224, height: 224, filter: .nearest)
        #expect(pillow.values != input.resizedNearestOpenCV(width: 224, height: 224).values)
    }

    @Test("source indices follow OpenCV's reciprocal scale", arguments: [(500, 224), (224, 300), (13, 224), (7, 7)])
    func indices(source: Int, target: Int) {
        let indices = OpenCVNearest.sourceIndices(source: source, target: target)
        #expect(indices.count == target && indices.first == 0 && indices.allSatisfy { (0..<source).contains($0) })
        #expect(zip(indices, indices.dropFirst()).allSatisfy { $0 <= $1 })
        if source == target { #expect(indices == Array(0..<source)) }
    }
}

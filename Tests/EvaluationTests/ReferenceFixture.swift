import Foundation
import Testing

@testable import Evaluation

/// `Fixtures/evaluation/reference.json`, written by `tools/make_evaluation_fixtures.py` with scikit-image,
/// scikit-learn and OpenCV 5.0 (versions recorded in the file).
struct ReferenceFixture: Decodable {
    struct OtsuCase: Decodable {
        var height: Int
        var width: Int
        var map: [Float]
        var levels: [Int]
        var skimage: Double
        var opencv: Double
    }

    struct ContourCase: Decodable {
        var height: Int
        var width: Int
        var mask: [UInt8]
        /// Per contour: x, y, w, h, contourArea, parent (-1 = none).
        var tree: [[Double]]
        var list: [[Double]]
        var external: [[Double]]
    }

    struct BoxImage: Decodable {
        var map: [Float]
        var boxes: [[Int]]
    }

    struct BoxDataset: Decodable {
        var height: Int
        var width: Int
        var images: [BoxImage]
        var thresholdCount: Int
        var result: [String: Result]

        enum Result: Decodable {
            case accuracy([String: Double])
            case curve([Double])

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let curve = try? container.decode([Double].self) {
                    self = .curve(curve)
                } else {
                    self = .accuracy(try container.decode([String: Double].self))
                }
            }
        }
    }

    struct BoxVectors: Decodable {
        var map: [Float]
        var height: Int
        var width: Int
        var v1: [[[Int]]]
        var v2: [[[Int]]]
    }

    struct MaskImage: Decodable {
        var map: [Float]
        var gt: [UInt8]
        var ignore: [UInt8]
        var cheferAP: Double
        var agcFixed05: [Double]
        var rocAUC: Double?
        var pointing: Bool
        var energy: Double
    }

    struct Chefer: Decodable {
        var pixelAccuracy: Double
        var iou: [Double]
        var mIoU: Double
    }

    struct MaskDataset: Decodable {
        var height: Int
        var width: Int
        var images: [MaskImage]
        var pxap100: Double
        var chefer: Chefer
    }

    struct ScalingCase: Decodable {
        var width: Int
        var height: Int
        var box: [Int]
        var agc: [Int]
        var wsol: [Int]
    }

    var versions: [String: String]
    var otsu: [OtsuCase]
    var contours: [ContourCase]
    var boxDataset: BoxDataset
    var boxVectors: BoxVectors
    var maskDataset: MaskDataset
    var boxScaling: [ScalingCase]

    /// Loads the fixture from the test bundle.
    static func load() throws -> ReferenceFixture {
        let root = try #require(Bundle.module.resourceURL)
        let url = root.appendingPathComponent("Fixtures/evaluation/reference.json")
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }

}

extension PixelBox {
    init(_ values: [Int]) {
        self.init(x0: values[0], y0: values[1], x1: values[2], y1: values[3])
    }
}

import Datasets
import Evaluation
import Imaging
import Testing

@testable import Harness

/// Each protocol's masks reach the map size by its reference's nearest-neighbour rule.
@Suite("Mask resampling follows the protocol")
struct MaskResamplingTests {
    /// A 13 x 9 mask whose every pixel is distinct (void 255 in one corner), so any other sampling shows.
    static let mask: SegmentationMask = {
        var values = [UInt8](repeating: 0, count: 13 * 9)
        for index in values.indices { values[index] = UInt8(index % 250) }
        values[0] = 255
        return SegmentationMask(values: GrayImage(width: 13, height: 9, values: values), encoding: .foreground)
    }()

    @Test(
        "wsolevaluation's protocols sample as OpenCV, the others as Pillow",
        arguments: EvaluationProtocol.builtIn.map(\.name))
    func protocolRule(_ name: String) throws {
        let evaluation = try EvaluationProtocol.named(name)
        let expected: MaskResampling = name.hasPrefix("wsoleval") ? .openCVNearest : .pillowNearest
        #expect(evaluation.maskResampling == expected)
        let resized = GroundTruthBuilder.resized(Self.mask, to: 20, resampling: evaluation.maskResampling)
        let reference =
            switch evaluation.maskResampling {
            case .openCVNearest: Self.mask.values.resizedNearestOpenCV(width: 20, height: 20)
            case .pillowNearest: Self.mask.values.resized(width: 20, height: 20, filter: .nearest)
            }
        #expect(resized.values == reference)
        // The void pixel travels with its value: the ignore mask is sampled at the same source pixels.
        #expect(resized.ignore == reference.values.map { $0 == 255 })
    }

    @Test("the two rules pick different source pixels")
    func rulesDiffer() {
        let openCV = GroundTruthBuilder.resized(Self.mask, to: 20, resampling: .openCVNearest)
        let pillow = GroundTruthBuilder.resized(Self.mask, to: 20, resampling: .pillowNearest)
        #expect(openCV.values != pillow.values)
    }
}

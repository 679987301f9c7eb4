import Testing

@testable import Evaluation

@Suite("Threshold policies")
struct ThresholdTests {
    private func histogram(_ levels: [Int]) -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        for level in levels { counts[level] += 1 }
        return counts
    }

    @Test("quantisation and Otsu match numpy's uint8(s * 255), skimage and OpenCV on seeded random maps")
    func otsuMatchesReference() throws {
        let fixture = try ReferenceFixture.load()
        #expect(fixture.otsu.count == 40)
        for (index, item) in fixture.otsu.enumerated() {
            let map = ScoreMap(values: item.map, width: item.width, height: item.height)
            let quantized = map.quantized()
            #expect(quantized.levels.map(Int.init) == item.levels, "case \(index)")
            let skimage = Otsu.threshold(histogram: quantized.histogram, constantRule: .skimage)
            let opencv = Otsu.threshold(histogram: quantized.histogram, constantRule: .opencv)
            #expect(Double(skimage) == item.skimage, "case \(index)")
            #expect(Double(opencv) == item.opencv, "case \(index)")
        }
    }

    @Test(
        "Otsu on evaluation.md §5.2's uint8 vectors",
        arguments: [
            ([0, 0, 0, 10, 10, 200, 200, 255], 10, 10), ([5, 5, 6, 6, 7, 7, 250], 7, 7),
            (Array(100...107), 103, 103), ([0, 255], 0, 0), ([3, 3, 3, 3, 9], 3, 3),
            ([Int](repeating: 7, count: 64), 7, 0), ([Int](repeating: 0, count: 64), 0, 0),
            ([0, 25, 51, 204, 229, 255], 51, 51),
        ])
    func otsuVectors(levels: [Int], skimage: Int, opencv: Int) {
        #expect(Otsu.threshold(histogram: histogram(levels), constantRule: .skimage) == skimage)
        #expect(Otsu.threshold(histogram: histogram(levels), constantRule: .opencv) == opencv)
    }

    @Test("a constant map has no foreground under every policy; OpenCV's rule makes a non-zero one all foreground")
    func constantMaps() {
        let zeros = ScoreMap(values: [Float](repeating: 0, count: 12), width: 4, height: 3, condition: .constant)
        for policy in [ThresholdPolicy.otsu(.skimage), .otsu(.opencv), .mean, .fixed(0.5), .fixedOfMaximum(0.2)] {
            #expect(policy.binarize(zeros).mask.foregroundCount == 0, "\(policy.name)")
        }
        let gray = ScoreMap(values: [Float](repeating: 0.5, count: 12), width: 4, height: 3)
        #expect(ThresholdPolicy.otsu(.skimage).binarize(gray).mask.foregroundCount == 0)
        #expect(ThresholdPolicy.otsu(.opencv).binarize(gray).mask.foregroundCount == 12)
    }

    @Test("mean, fixed and fixed-of-max binarise as Chefer, AG-CAM and wsolevaluation")
    func simplePolicies() {
        let map = ScoreMap(values: [0, 0.1, 0.5, 0.5001, 0.2, 1], width: 3, height: 2)
        // mean = 0.38335: strict greater.
        #expect(ThresholdPolicy.mean.binarize(map).mask.bits == [0, 0, 1, 1, 0, 1])
        // AG-CAM heatmap > 0.5: the pixel at exactly 0.5 stays background.
        #expect(ThresholdPolicy.fixed(0.5).binarize(map).mask.bits == [0, 0, 0, 1, 0, 1])
        // levels [0, 25, 127, 127, 51, 255]; int(0.2 * 255) = 51, strict greater.
        let binarization = ThresholdPolicy.fixedOfMaximum(0.2).binarize(map)
        #expect(binarization.threshold == 51)
        #expect(binarization.mask.bits == [0, 0, 1, 1, 0, 1])
    }

    @Test("policy names round-trip and bad ones are typed errors")
    func parsing() throws {
        for name in ["otsu", "otsu:opencv", "mean", "fixed:0.5", "fixed-of-max:0.2", "sweep:1000"] {
            #expect(try ThresholdPolicy(parsing: name).name == name)
        }
        for bad in ["otsu:x", "fixed", "fixed:2", "sweep:0", "sweep:x", "median", "mean:1"] {
            #expect(throws: EvaluationError.self) { _ = try ThresholdPolicy(parsing: bad) }
        }
    }

    @Test("the sweep list is np.arange(0, 1, 1 / N)")
    func sweepList() {
        let thresholds = ThresholdPolicy.sweepThresholds(count: 1000)
        #expect(thresholds.count == 1000)
        #expect(thresholds[0] == 0 && thresholds[999] == 999 * 0.001)
        #expect(ThresholdPolicy.sweepThresholds(count: 100).count == 100)
    }
}

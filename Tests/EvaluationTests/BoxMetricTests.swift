import Datasets
import Foundation
import SeededRandom
import TestSupport
import Testing

@testable import Evaluation

@Suite("Box metrics")
struct BoxMetricTests {
    @Test("inclusive IoU: evaluation.md §1.4 vectors")
    func iouVectors() {
        #expect(PixelBox(x0: 1, y0: 2, x1: 5, y1: 6).iou(PixelBox(x0: 3, y0: 1, x1: 4, y1: 5)) == 8.0 / 27.0)
        #expect(PixelBox.empty.iou(.empty) == 1)
        #expect(PixelBox(x0: 0, y0: 0, x1: 1, y1: 1).iou(PixelBox(x0: 3, y0: 3, x1: 4, y1: 4)) == 0)
    }

    @Test("wsolevaluation's box vectors (evaluation.md §1.3), v1 and v2, against the fixture made with OpenCV")
    func boxVectors() throws {
        let fixture = try ReferenceFixture.load().boxVectors
        let map = ScoreMap(values: fixture.map, width: fixture.width, height: fixture.height)
        let quantized = map.quantized()
        let expectedV1 = [[1, 1, 4, 3], [1, 1, 4, 3], [2, 1, 4, 3], [2, 2, 4, 3], [2, 2, 3, 3]]
        for (index, ratio) in [0, 0.2, 0.4, 0.6, 0.8].enumerated() {
            let level = ThresholdPolicy.levelThreshold(ratio: ratio, maximum: quantized.maximum)
            let mask = quantized.mask(above: level)
            #expect(BoxExtraction.wsolLargest.boxes(in: mask) == [PixelBox(expectedV1[index])])
            #expect(BoxExtraction.wsolLargest.boxes(in: mask) == fixture.v1[index].map(PixelBox.init))
            #expect(BoxExtraction.wsolAll.boxes(in: mask) == fixture.v2[index].map(PixelBox.init))
        }
    }

    @Test("the second and third box vectors and the all-zero map (evaluation.md §1.3)")
    func moreVectors() {
        let rows: [Float] = [0.4, 0, 0.2, 0.2, 0.2, 0.4, 0.4, 0, 0.4, 0, 0, 0, 0, 0.4, 0, 1, 0.6, 0.8, 0.2, 0.2]
        let quantized = ScoreMap(values: rows, width: 5, height: 4).quantized()
        let expected = [[0, 0, 4, 3], [0, 0, 2, 2], [0, 3, 3, 3], [2, 3, 3, 3], [0, 3, 1, 3]]
        for (index, ratio) in [0, 0.2, 0.4, 0.6, 0.8].enumerated() {
            let mask = quantized.mask(above: ThresholdPolicy.levelThreshold(ratio: ratio, maximum: quantized.maximum))
            #expect(BoxExtraction.wsolLargest.boxes(in: mask) == [PixelBox(expected[index])], "t = \(ratio)")
        }
        let zeros = ScoreMap(values: [Float](repeating: 0, count: 9), width: 3, height: 3).quantized()
        for ratio in [0, 0.2, 0.4, 0.6, 0.8] {
            let mask = zeros.mask(above: ThresholdPolicy.levelThreshold(ratio: ratio, maximum: zeros.maximum))
            #expect(BoxExtraction.wsolLargest.boxes(in: mask) == [.empty])
        }
    }

    @Test("MaxBoxAcc v1 and MaxBoxAccV2 over a 30-image dataset match the spec implementation on OpenCV")
    func maxBoxAccuracy() throws {
        let fixture = try ReferenceFixture.load().boxDataset
        for (name, extraction, deltas) in [
            ("v1", BoxExtraction.wsolLargest, [30, 50, 70]), ("v2", BoxExtraction.wsolAll, [30, 50, 70]),
        ] {
            var accumulator = BoxAccuracyAccumulator(
                thresholdCount: fixture.thresholdCount, iouThresholds: deltas, extraction: extraction)
            for image in fixture.images {
                let map = ScoreMap(values: image.map, width: fixture.width, height: fixture.height)
                accumulator.add(map, boxes: image.boxes.map(PixelBox.init))
            }
            guard case .accuracy(let expected) = fixture.result[name],
                case .curve(let curve) = fixture.result[name + "_curve50"]
            else {
                Issue.record("fixture lacks \(name)")
                continue
            }
            for result in accumulator.maxBoxAccuracy() {
                #expect(result.accuracy == expected[String(result.iouThreshold)], "\(name) IoU \(result.iouThreshold)")
            }
            #expect(accumulator.correct[1].map(Double.init) == curve, "\(name) per-threshold counts at IoU 50")
        }
    }

    @Test("box scaling: AG-CAM int(x / W * 224) and wsolevaluation int(x * 224 / W) against Python")
    func scaling() throws {
        for item in try ReferenceFixture.load().boxScaling {
            let box = BoundingBox(
                xMin: Double(item.box[0]), yMin: Double(item.box[1]), xMax: Double(item.box[2]),
                yMax: Double(item.box[3]), convention: .oneBasedInclusive)
            let agc = BoxScaling.agc2024.scale(
                box, width: item.width, height: item.height, targetWidth: 224, targetHeight: 224)
            let wsol = BoxScaling.wsolevaluation.scale(
                box, width: item.width, height: item.height, targetWidth: 224, targetHeight: 224)
            #expect(agc == PixelBox(item.agc))
            #expect(wsol == PixelBox(item.wsol))
        }
        // evaluation.md §1.5: box (1, 2, 4, 3) of a 10x20 image to 35x10 -> (3, 1, 14, 1).
        let box = BoundingBox(xMin: 1, yMin: 2, xMax: 4, yMax: 3, convention: .zeroBasedInclusive)
        let scaled = BoxScaling.wsolevaluation.scale(box, width: 10, height: 20, targetWidth: 35, targetHeight: 10)
        #expect(scaled == PixelBox(x0: 3, y0: 1, x1: 14, y1: 1))
        // Rounding order matters: 61 / 112 * 224 = 121.99999999999999 but 61 * 224 / 112 = 122.
        #expect(BoxScaling.agc2024.scale(61, side: 112, target: 224) == 121)
        #expect(BoxScaling.wsolevaluation.scale(61, side: 112, target: 224) == 122)
    }

    @Test("AG-CAM quirks by hand: inclusive GT fill, one-pixel overshoot of contour boxes, clipping at the edge")
    func agcQuirks() throws {
        // A 6x5 map with one 2x2 blob at columns 1...2, rows 1...2.
        var values = [Float](repeating: 0, count: 30)
        for (x, y) in [(1, 1), (2, 1), (1, 2), (2, 2)] { values[y * 6 + x] = 1 }
        let map = ScoreMap(values: values, width: 6, height: 5)
        let boxes = BoxExtraction.agcExternal.boxes(in: ThresholdPolicy.fixed(0.5).binarize(map).mask)
        #expect(boxes == [PixelBox(x0: 1, y0: 1, x1: 3, y1: 3)])  // x + w = 3: one column and row too many
        // Ground truth: one box exactly on the blob, 0-based inclusive, image already 6x5.
        let truth = GroundTruth.boxes(
            [BoundingBox(xMin: 1, yMin: 1, xMax: 2, yMax: 2, convention: .zeroBasedInclusive)], imageWidth: 6,
            imageHeight: 5, mapWidth: 6, mapHeight: 5, scaling: .agc2024)
        #expect(truth.foreground.foregroundCount == 4)  // rows 1...2 and columns 1...2 inclusive
        let result = try LocalizationEvaluator.evaluate(
            map, truth: truth, threshold: .fixed(0.5), region: .boxes(.agcExternal), eps: 1e-5)
        #expect(result.prediction.foregroundCount == 9)
        #expect(result.counts.truePositives == 4 && result.counts.falsePositives == 5)
        #expect(abs(result.scores.iou - (4 + 1e-5) / (9 + 1e-5)) < 1e-15)
        // A blob touching the right edge: x + w = 6 is outside; numpy slicing clips the fill.
        var edge = [Float](repeating: 0, count: 30)
        edge[2 * 6 + 5] = 1
        let edgeResult = try LocalizationEvaluator.evaluate(
            ScoreMap(values: edge, width: 6, height: 5), truth: truth, threshold: .fixed(0.5),
            region: .boxes(.agcExternal), eps: 1e-5)
        #expect(edgeResult.boxes == [PixelBox(x0: 5, y0: 2, x1: 6, y1: 3)])
        #expect(edgeResult.prediction.foregroundCount == 2)
    }

    @Test("GT-known and top-1 localization")
    func localizationHits() throws {
        var values = [Float](repeating: 0, count: 100)
        for y in 2...5 { for x in 2...5 { values[y * 10 + x] = 1 } }
        let map = ScoreMap(values: values, width: 10, height: 10)
        let truth = GroundTruth(
            foreground: BinaryMask(width: 10, height: 10), boxes: [PixelBox(x0: 2, y0: 2, x1: 6, y1: 6)])
        let result = try LocalizationEvaluator.evaluate(map, truth: truth, threshold: .fixedOfMaximum(0.2))
        // Box [2, 2, 6, 6] (overshoot) equals the GT box.
        #expect(result.bestBoxIoU == 1)
        #expect(result.isGroundTruthKnownHit())
        #expect(!result.isTop1Hit(predictedCorrectly: false))
        #expect(result.isTop1Hit(predictedCorrectly: true))
    }
}

/// The per-image form of MaxBoxAcc that runs store.
@Suite("MaxBoxAcc change points")
struct BoxChangePointTests {
    @Test(
        "the running sum of an image's changes is its correctness at each threshold, traced directly",
        arguments: [1, 2, 3])
    func changesMatchDirectTracing(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        // A blob map: two Gaussian bumps on a 40x32 grid, so boxes appear, split and merge over the sweep.
        let width = 40
        let height = 32
        let centres = (0..<2).map { _ in (Double(random.next() % 40), Double(random.next() % 32)) }
        var values = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                values[y * width + x] = Float(
                    centres.map { exp(-(pow(Double(x) - $0.0, 2) + pow(Double(y) - $0.1, 2)) / 40) }.reduce(0, +))
            }
        }
        let maximum = values.max() ?? 1
        let map = ScoreMap(values: values.map { $0 / maximum }, width: width, height: height)
        let truth = [PixelBox(x0: 5, y0: 4, x1: 22, y1: 20), PixelBox(x0: 25, y0: 10, x1: 38, y1: 30)]
        let accumulator = BoxAccuracyAccumulator(thresholdCount: 200, iouThresholds: [30, 50, 70])
        let changes = accumulator.changes(map, boxes: truth)
        let quantized = map.quantized()
        for (d, iouThreshold) in accumulator.iouThresholds.enumerated() {
            var running = 0
            var next = 0
            for (k, ratio) in accumulator.thresholds.enumerated() {
                while next < changes[d].count && changes[d][next].threshold == k {
                    running += changes[d][next].change
                    next += 1
                }
                let level = ThresholdPolicy.levelThreshold(ratio: ratio, maximum: quantized.maximum)
                let boxes = BoxExtraction.wsolAll.boxes(in: quantized.mask(above: level))
                let correct = BoxExtraction.bestIoU(boxes, truth) >= Double(iouThreshold) / 100
                #expect(running == (correct ? 1 : 0), "IoU \(iouThreshold), threshold \(k)")
            }
            #expect(changes[d].count <= 256 && changes[d].allSatisfy { $0.change == 1 || $0.change == -1 })
        }
        var fromChanges = BoxAccuracyAccumulator(thresholdCount: 200, iouThresholds: [30, 50, 70])
        fromChanges.add(changes: changes)
        var direct = BoxAccuracyAccumulator(thresholdCount: 200, iouThresholds: [30, 50, 70])
        direct.add(map, boxes: truth)
        #expect(fromChanges.correct == direct.correct)
    }
}

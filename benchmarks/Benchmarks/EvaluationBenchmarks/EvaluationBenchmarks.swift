import Benchmark
import Evaluation

/// A smooth 224x224 map in [0, 1] (a product of two sines, no ties beyond quantisation) and a box ground truth.
private func sampleMap() -> ScoreMap {
    var values = [Float](repeating: 0, count: 224 * 224)
    for y in 0..<224 {
        for x in 0..<224 {
            let value = (1 + Float.sin(Float(x) / 23) * Float.cos(Float(y) / 31)) / 2
            values[y * 224 + x] = value
        }
    }
    return ScoreMap(raw: .init(shape: [224, 224], storage: values))
}

private func sampleTruth() -> GroundTruth {
    var mask = BinaryMask(width: 224, height: 224)
    let box = PixelBox(x0: 40, y0: 60, x1: 150, y1: 180)
    mask.fill(box)
    return GroundTruth(foreground: mask, boxes: [box])
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(5)
    let map = sampleMap()
    let truth = sampleTruth()

    // Issue 5 target: thresholds plus all localization metrics for one 224x224 map in at most 2 ms.
    Benchmark("one 224x224 map: Otsu + pixel scores + boxes + pointing + energy + AUC-ROC + Chefer AP") { benchmark in
        for _ in benchmark.scaledIterations {
            let result = try LocalizationEvaluator.evaluate(map, truth: truth, threshold: .otsu(.skimage))
            blackHole(result)
            blackHole(CheferSegmentationAccumulator.averagePrecision(ranking: result.ranking, condition: map.condition))
        }
    }

    Benchmark("one 224x224 map: AG-CAM fixed 0.5, external contour boxes, eps") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try LocalizationEvaluator.evaluate(
                    map, truth: truth, threshold: .fixed(0.5), region: .boxes(.agcExternal), eps: 1e-5))
        }
    }

    // One map of the wsoleval sweep: 1000 thresholds, MaxBoxAccV2 and PxAP; x 5,000 for the dataset figure.
    Benchmark("wsoleval sweep:1000, one 224x224 map (MaxBoxAccV2 + PxAP histograms)") { benchmark in
        var boxes = BoxAccuracyAccumulator(thresholdCount: 1000)
        var pixels = PixelAPAccumulator(thresholdCount: 1000)
        for _ in benchmark.scaledIterations {
            boxes.add(map, boxes: truth.boxes)
            pixels.add(map, truth: truth)
        }
        blackHole(boxes.meanMaxBoxAccuracy)
    }
}

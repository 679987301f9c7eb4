import Evaluation
import Foundation
import Imaging
import Tensor
import Testing
import ViT

/// Hand-worked cases for the perturbation pieces: pixel counts per step, the tie rule, fill values in normalised
/// space, the three area rules, and typed errors.
@Suite struct PerturbationHandWorkedTests {
    typealias Settings = PerturbationSettings

    @Test func cheferCountsAt224() throws {
        let schedule = try PerturbationSchedule(Settings.chefer2021.steps, pixelCount: 224 * 224)
        // int(50176 * p): 5017.6, 10035.2, 15052.8, 20070.4, 25088, 30105.6, 35123.2, 40140.8, 45158.4.
        #expect(schedule.pixelCounts == [5017, 10035, 15052, 20070, 25088, 30105, 35123, 40140, 45158])
        #expect(schedule.positions == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    }

    @Test func agcamCountsAt224() throws {
        let schedule = try PerturbationSchedule(Settings.agc2024.steps, pixelCount: 50176)
        #expect(
            schedule.pixelCounts == [0, 5017, 10035, 15052, 20070, 25088, 30105, 35123, 40140, 45158, 50176])
    }

    @Test func riseCountsWithAPartialLastStep() throws {
        // 10 pixels, 4 per step: ceil(10 / 4) = 3 steps, 4 points, the last step changes the remaining 2.
        let schedule = try PerturbationSchedule(.pixelsPerStep(4), pixelCount: 10)
        #expect(schedule.pixelCounts == [0, 4, 8, 10])
        #expect(schedule.positions == [0, 1.0 / 3, 2.0 / 3, 1])
        // 224 per step at 224 x 224: 224 steps, 225 points.
        let paper = try PerturbationSchedule(Settings.rise2018.steps, pixelCount: 50176)
        #expect(paper.pixelCounts.count == 225 && paper.pixelCounts[1] == 224 && paper.pixelCounts.last == 50176)
    }

    @Test func tiesGoByAscendingIndexInBothOrders() {
        let map: [Float] = [0.5, 1, 0.5, 0, 1, 0.5, -0.0, 0]
        // MoRF: 1 (indices 1, 4), 0.5 (0, 2, 5), 0 (3, 6 as -0.0, 7).
        #expect(PerturbationRanking.order(map, .mostRelevantFirst) == [1, 4, 0, 2, 5, 3, 6, 7])
        // LeRF: 0 (3, 6, 7), 0.5 (0, 2, 5), 1 (1, 4): not the reverse of MoRF.
        #expect(PerturbationRanking.order(map, .leastRelevantFirst) == [3, 6, 7, 0, 2, 5, 1, 4])
    }

    @Test func nanRanksAsZeroAndNegativeValuesRankBelowIt() {
        let map: [Float] = [.nan, -1, 0.25, 0, .infinity]
        #expect(PerturbationRanking.order(map, .mostRelevantFirst) == [4, 2, 0, 3, 1])
        #expect(PerturbationRanking.order(map, .leastRelevantFirst) == [1, 0, 3, 2, 4])
    }

    @Test func fillColoursUnderMeanStdHalf() throws {
        let half = PerturbationNormalization(
            .inception, datasetMean: SIMD3(0.485, 0.456, 0.406))
        #expect(half.fillColour(.black) == SIMD3(repeating: -1))  // Chefer: (0 - 0.5) / 0.5
        #expect(half.fillColour(.normalizedZero) == SIMD3(repeating: 0))  // AG-CAM: mid-gray 0.5
        // ImageNet's mean colour under 0.5 / 0.5: 2 * m - 1.
        let mean = try #require(half.fillColour(.datasetMean))
        #expect(abs(mean.x + 0.03) < 1e-6 && abs(mean.y + 0.088) < 1e-6 && abs(mean.z + 0.188) < 1e-6)
        #expect(half.fillColour(.blur) == nil)
    }

    @Test func fillColoursUnderImageNetMeanStd() throws {
        let imageNet = PerturbationNormalization(
            .imageNet, datasetMean: SIMD3(0.485, 0.456, 0.406))
        let black = try #require(imageNet.fillColour(.black))
        // -0.485 / 0.229 = -2.117904, -0.456 / 0.224 = -2.035714, -0.406 / 0.225 = -1.804444.
        #expect(abs(black.x + 2.117904) < 1e-5 && abs(black.y + 2.035714) < 1e-5 && abs(black.z + 1.804444) < 1e-5)
        // The dataset mean is the normalisation mean: exactly normalised zero (RISE's zeros_like substrate).
        #expect(imageNet.fillColour(.datasetMean) == SIMD3(repeating: 0))
    }

    @Test func stepsOnATwoByTwoImage() throws {
        // Pixel values 0..3 per channel (channel c adds 10 c); map ranks pixel 2 > 0 > 3 > 1.
        let model = ViTModel(weights: .random(config: tinyConfig(imageSize: 2), seed: 1))
        let normalization = PerturbationNormalization(.inception)
        let settings = Settings(
            curves: [.init(mode: .deletion, order: .mostRelevantFirst)], fill: .black,
            steps: .fractions([0, 0.25, 0.5, 0.75, 1]), score: .logit, scoreClass: .label, mapClass: .label,
            area: .stepMean)
        let runner = try PerturbationRunner(model: model, settings: settings, normalization: normalization)
        let image = Tensor(shape: [3, 2, 2], storage: [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23])
        let map = Tensor(shape: [2, 2], storage: [0.7, 0.1, 0.9, 0.3])
        let inputs = try runner.perturbedInputs(image: image, map: map, curve: settings.curves[0])
        #expect(runner.schedule.pixelCounts == [0, 1, 2, 3, 4])
        let expectedFirstChannel: [[Float]] = [
            [0, 1, 2, 3], [0, 1, -1, 3], [-1, 1, -1, 3], [-1, 1, -1, -1], [-1, -1, -1, -1],
        ]
        for (step, row) in expectedFirstChannel.enumerated() {
            #expect(Array(inputs.slice(step).storage[0..<4]) == row, "step \(step)")
            // All channels together: channel 1 is filled where channel 0 is.
            let second = Array(inputs.slice(step).storage[4..<8])
            #expect(zip(row, second).allSatisfy { $0 == -1 ? $1 == -1 : $1 == $0 + 10 }, "step \(step)")
        }
        // Insertion from the dataset-mean substrate, most relevant first: the image comes back pixel 2 first.
        var insertion = settings
        insertion.curves = [.init(mode: .insertion, order: .mostRelevantFirst)]
        let blurRunner = try PerturbationRunner(model: model, settings: insertion, normalization: normalization)
        let restored = try blurRunner.perturbedInputs(image: image, map: map, curve: insertion.curves[0])
        #expect(restored.slice(4).storage == image.storage)
        #expect(restored.slice(1).storage[2] == 2 && restored.slice(1).storage[0] != 0)
    }

    @Test func areaRulesByHand() {
        let positions = [0.1, 0.2, 0.3]
        let scores = [0.8, 0.4, 0.2]
        // Chefer: trapz([1, .8, .4, .2], [0, .1, .2, .3]) * 100 = (.09 + .06 + .03) * 100 = 18.
        let trapezoid = PerturbationCurve.area(
            scores: scores, positions: positions, unperturbed: 1, rule: .trapezoidWithUnperturbedTimes100)
        #expect(abs(trapezoid - 18) < 1e-12)
        // AG-CAM: (0.8 + 0.4 + 0.2) / 3.
        let mean = PerturbationCurve.area(scores: scores, positions: positions, unperturbed: 1, rule: .stepMean)
        #expect(abs(mean - 1.4 / 3) < 1e-12)
        // RISE: (1.4 - 0.4 - 0.1) / 2 = 0.45, positions ignored.
        let rise = PerturbationCurve.area(
            scores: scores, positions: positions, unperturbed: 1, rule: .normalizedTrapezoid)
        #expect(abs(rise - 0.45) < 1e-12)
    }

    @Test func summaryAveragesCurvesAndTakesABPC() {
        var summary = PerturbationSummary()
        func curve(_ order: Settings.Order, _ scores: [Double]) -> PerturbationCurve {
            PerturbationCurve(
                curve: .init(mode: .deletion, order: order), scoreClass: 0, pixelCounts: [0, 1, 2],
                positions: [0, 0.5, 1], scores: scores, unperturbedScore: scores[0])
        }
        summary.add([curve(.mostRelevantFirst, [1, 0.2, 0]), curve(.leastRelevantFirst, [1, 0.9, 0])])
        summary.add([curve(.mostRelevantFirst, [0.5, 0.4, 0]), curve(.leastRelevantFirst, [0.5, 0.5, 0])])
        let morf = summary.entry(.init(mode: .deletion, order: .mostRelevantFirst))
        #expect(morf?.meanScores == [0.75, 0.30000000000000004, 0])
        #expect(morf?.imageCount == 2)
        // ABPC = mean over steps of (LeRF - MoRF) = (0 + 0.4 + 0) / 3.
        #expect(abs((summary.areaBetweenCurves(.stepMean) ?? 0) - 0.4 / 3) < 1e-12)
    }

    @Test func badInputsAreTypedErrors() throws {
        let model = ViTModel(weights: .random(config: tinyConfig(imageSize: 8), seed: 2))
        let normalization = PerturbationNormalization(.inception)
        let runner = try PerturbationRunner(model: model, settings: .chefer2021, normalization: normalization)
        let image = Tensor(zeros: [3, 8, 8])
        #expect(throws: PerturbationError.mapShape(got: [4, 4], expected: [8, 8])) {
            try runner.curves(image: image, map: Tensor(zeros: [4, 4]), label: 0)
        }
        #expect(throws: PerturbationError.imageShape(got: [3, 4, 4], expected: [3, 8, 8])) {
            try runner.curves(image: Tensor(zeros: [3, 4, 4]), map: Tensor(zeros: [8, 8]), label: 0)
        }
        #expect(throws: PerturbationError.missingLabel) {
            try runner.curves(image: image, map: Tensor(zeros: [8, 8]), label: nil)
        }
        #expect(throws: PerturbationError.classOutOfRange(99, classes: 5)) {
            try runner.curves(image: image, map: Tensor(zeros: [8, 8]), label: 99)
        }
        #expect(throws: PerturbationError.fractionOutOfRange(1.5)) {
            try PerturbationSchedule(.fractions([0.5, 1.5]), pixelCount: 64)
        }
        #expect(throws: PerturbationError.nonPositiveStep(0)) {
            try PerturbationSchedule(.pixelsPerStep(0), pixelCount: 64)
        }
        #expect(throws: PerturbationError.noSteps) { try PerturbationSchedule(.fractions([]), pixelCount: 64) }
        #expect(throws: PerturbationError.self) {
            try PerturbationRunner(
                model: model, settings: .chefer2021,
                normalization: PerturbationNormalization(
                    ChannelNormalization(mean: SIMD3(repeating: 0.5), std: SIMD3(0.5, 0, 0.5))))
        }
    }

    /// A tiny random model: `imageSize` px, patch `imageSize / 2` (or 1), width 6, one block, 5 classes.
    func tinyConfig(imageSize: Int) -> ViTConfig {
        ViTConfig(
            imageSize: imageSize, patchSize: max(1, imageSize / 2), channels: 3, embedDim: 6, depth: 1, heads: 2,
            mlpDim: 12, classes: 5)
    }
}

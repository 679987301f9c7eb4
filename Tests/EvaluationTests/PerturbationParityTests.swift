import Evaluation
import Foundation
import Tensor
import Testing
import ViT

/// Perturbation curves against the independent PyTorch implementation in `tools/make_perturbation_fixtures.py`
/// (Chefer's and AG-CAM's protocols with four fills, both orders, every score kind and area rule; RISE insertion
/// and deletion).
@Suite struct PerturbationParityTests {
    typealias Settings = PerturbationSettings

    static let fills: [(name: String, fill: Settings.Fill)] = [
        ("black", .black), ("gray", .normalizedZero), ("mean", .datasetMean), ("blur", .blur),
    ]
    static let orders: [(name: String, order: Settings.Order)] = [
        ("morf", .mostRelevantFirst), ("lerf", .leastRelevantFirst),
    ]
    static let scores: [(name: String, score: Settings.Score)] = [
        ("correct", .top1Correct), ("probability", .probability), ("logit", .logit),
    ]

    /// The scored fills of each schedule (`SCORED` in the script): Chefer's black and RISE's blur on Chefer's
    /// steps, AG-CAM's gray and the dataset mean on AG-CAM's.
    static let scoredFills: [String: [String]] = ["chefer": ["black", "blur"], "agcam": ["gray", "mean"]]

    @Test(arguments: ["chefer", "agcam"])
    func removalCurvesMatchPyTorch(schedule: String) throws {
        let fixture = try PerturbationFixture()
        let fractions = try #require(fixture.meta.schedules[schedule])
        let scored = try #require(Self.scoredFills[schedule])
        for (fillName, fill) in Self.fills where scored.contains(fillName) {
            var summaries: [String: PerturbationSummary] = [:]
            for (orderName, order) in Self.orders {
                let caseName = "\(schedule)_\(orderName)_\(fillName)"
                let areas = try #require(fixture.meta.areas[caseName])
                let settings = Settings(
                    curves: [.init(mode: .deletion, order: order)], fill: fill, steps: .fractions(fractions),
                    score: .logit, scoreClass: .label, mapClass: .label, area: .stepMean)
                let runner = try PerturbationRunner(
                    model: fixture.model, settings: settings, normalization: fixture.normalization)
                #expect(runner.schedule.pixelCounts == fixture.meta.counts[schedule])
                let expectedLogits = try fixture.golden("\(caseName)_logits")
                // One batched pass per image; every score kind is read from its logits.
                let logits = try (0..<fixture.imageCount).map { image in
                    try runner.stepLogits(image: fixture.images.slice(image), map: fixture.maps.slice(image))
                }
                for image in 0..<fixture.imageCount {
                    let actual = Tensor(
                        shape: expectedLogits.shape.suffix(2).map { $0 }, storage: logits[image].steps[0])
                    expectClose(actual, expectedLogits.slice(image), "\(caseName) logits image \(image)")
                }
                for (scoreName, score) in Self.scores {
                    let expected = try fixture.golden("\(caseName)_\(scoreName)")
                    var summary = summaries[scoreName] ?? PerturbationSummary()
                    for image in 0..<fixture.imageCount {
                        let curve = try #require(
                            logits[image].curves(score: score, scoreClass: fixture.labels[image]).first)
                        let reference = expected.slice(image).storage.map(Double.init)
                        expectScores(curve.scores, reference, score: score, "\(caseName) \(scoreName) image \(image)")
                        for rule in [Settings.Area.trapezoidWithUnperturbedTimes100, .stepMean] {
                            let key = "\(scoreName)_\(rule == .stepMean ? "stepmean" : "trapezoid")_images"
                            let golden = try #require(areas[key]?.list)[image]
                            expectArea(curve.area(rule), golden, score: score, rule: rule, "\(caseName) \(key)")
                        }
                        summary.add(curve)
                    }
                    summaries[scoreName] = summary
                    let entry = try #require(summary.entry(.init(mode: .deletion, order: order)))
                    for rule in [Settings.Area.trapezoidWithUnperturbedTimes100, .stepMean] {
                        let key = "\(scoreName)_\(rule == .stepMean ? "stepmean" : "trapezoid")_dataset"
                        let golden = try #require(areas[key]?.number)
                        expectArea(entry.area(rule), golden, score: score, rule: rule, "\(caseName) \(key)")
                    }
                }
            }
            // ABPC: LeRF minus MoRF, step mean of the mean curves.
            let abpc = try #require(fixture.meta.areas["\(schedule)_abpc_\(fillName)"])
            for (scoreName, score) in Self.scores {
                let value = try #require(summaries[scoreName]?.areaBetweenCurves(.stepMean))
                let golden = try #require(abpc[scoreName]?.number)
                expectArea(value, golden, score: score, rule: .stepMean, "\(schedule) ABPC \(fillName) \(scoreName)")
            }
        }
    }

    @Test(arguments: ["chefer", "agcam"])
    func perturbedInputsMatchPyTorch(schedule: String) throws {
        let fixture = try PerturbationFixture()
        let fractions = try #require(fixture.meta.schedules[schedule])
        let middle = fractions.count / 2
        for (fillName, fill) in Self.fills {
            for (orderName, order) in Self.orders {
                let settings = Settings(
                    curves: [.init(mode: .deletion, order: order)], fill: fill, steps: .fractions(fractions),
                    score: .logit, scoreClass: .label, mapClass: .label, area: .stepMean)
                let runner = try PerturbationRunner(
                    model: fixture.model, settings: settings, normalization: fixture.normalization)
                let expected = try fixture.golden("\(schedule)_\(orderName)_\(fillName)_perturbed")
                for image in 0..<fixture.imageCount {
                    let inputs = try runner.perturbedInputs(
                        image: fixture.images.slice(image), map: fixture.maps.slice(image), curve: settings.curves[0])
                    let difference = inputs.slice(middle).maxAbsoluteDifference(to: expected.slice(image))
                    // Constant fills are bit-exact (the same float32 (v - mean) / std); the blur sums 121 products
                    // in another order than PyTorch's conv2d.
                    #expect(
                        difference <= (fill == .blur ? 2e-6 : 0),
                        "\(schedule) \(orderName) \(fillName) image \(image): max diff \(difference)")
                }
            }
        }
    }

    @Test(arguments: [("deletion", Settings.Mode.deletion), ("insertion", .insertion)])
    func riseCurvesMatchPyTorch(name: String, mode: Settings.Mode) throws {
        let fixture = try PerturbationFixture()
        var settings = Settings.rise2018
        settings.steps = .pixelsPerStep(fixture.meta.riseStep)
        settings.curves = [.init(mode: mode, order: .mostRelevantFirst)]
        let runner = try PerturbationRunner(
            model: fixture.model, settings: settings, normalization: fixture.normalization)
        #expect(runner.schedule.pixelCounts == fixture.meta.counts["rise"])
        let expected = try fixture.golden("rise_\(name)_probability")
        let perturbed = try fixture.golden("rise_\(name)_perturbed")
        let areas = try #require(fixture.meta.areas["rise_\(name)"])
        var summary = PerturbationSummary()
        for image in 0..<fixture.imageCount {
            // No label: RISE scores the class predicted on the original image.
            let curve = try #require(
                runner.curves(image: fixture.images.slice(image), map: fixture.maps.slice(image), label: nil).first)
            #expect(curve.scoreClass == fixture.meta.predicted[image])
            expectScores(
                curve.scores, expected.slice(image).storage.map(Double.init), score: .probability, "RISE \(name)")
            let golden = try #require(areas["probability_images"]?.list)[image]
            expectArea(curve.area(.normalizedTrapezoid), golden, score: .probability, rule: .normalizedTrapezoid, name)
            let inputs = try runner.perturbedInputs(
                image: fixture.images.slice(image), map: fixture.maps.slice(image), curve: settings.curves[0])
            let middle = (runner.schedule.pixelCounts.count - 1) / 2
            let difference = inputs.slice(middle).maxAbsoluteDifference(to: perturbed.slice(image))
            #expect(difference <= (mode == .insertion ? 2e-6 : 0), "RISE \(name) input: max diff \(difference)")
            summary.add(curve)
        }
        let entry = try #require(summary.entry(settings.curves[0]))
        let golden = try #require(areas["probability_dataset"]?.number)
        expectArea(entry.area(.normalizedTrapezoid), golden, score: .probability, rule: .normalizedTrapezoid, name)
    }

    @Test func blurMatchesRISEKernelAndConv2d() throws {
        let fixture = try PerturbationFixture()
        let expected = try fixture.golden("blurred")
        for image in 0..<fixture.imageCount {
            let blurred = PerturbationBlur.blurred(fixture.images.slice(image))
            let difference = blurred.maxAbsoluteDifference(to: expected.slice(image))
            #expect(difference <= 2e-6, "image \(image): max diff \(difference)")
        }
    }

    @Test func givenUnperturbedLogitsGiveTheSameCurves() throws {
        let fixture = try PerturbationFixture()
        let runner = try PerturbationRunner(
            model: fixture.model, settings: .agc2024, normalization: fixture.normalization, maxBatch: 4)
        let image = fixture.images.slice(0)
        let logits = fixture.model.logits(image.reshaped([1, 3, 32, 32]))
        let computed = try runner.curves(image: image, map: fixture.maps.slice(0), label: fixture.labels[0])
        let reused = try runner.curves(
            image: image, map: fixture.maps.slice(0), label: fixture.labels[0], unperturbedLogits: logits)
        // Given logits skip one image, so the chunks split differently: equal up to float rounding. The given
        // logits come from a batch-1 forward, where OpenBLAS may take another kernel than for the batch of 4.
        for (left, right) in zip(computed, reused) {
            #expect(abs(left.unperturbedScore - right.unperturbedScore) <= 1e-6)
            for (a, b) in zip(left.scores, right.scores) { #expect(abs(a - b) <= 1e-6) }
        }
        // Chunked (maxBatch 4) versus one batch: the same numbers up to float rounding.
        let whole = try PerturbationRunner(
            model: fixture.model, settings: .agc2024, normalization: fixture.normalization, maxBatch: 64)
        let single = try whole.curves(image: image, map: fixture.maps.slice(0), label: fixture.labels[0])
        for (left, right) in zip(computed, single) {
            for (a, b) in zip(left.scores, right.scores) { #expect(abs(a - b) <= 1e-6) }
        }
    }
}

/// Logits agree to 1e-4 of the largest reference logit.
func expectClose(
    _ actual: Tensor, _ expected: Tensor, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == expected.shape, "\(label): shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let scale = max(1, expected.storage.map(abs).max() ?? 0)
    let difference = actual.maxAbsoluteDifference(to: expected)
    if ProcessInfo.processInfo.environment["PERTURBATION_PARITY_REPORT"] != nil {
        print("parity \(label): \(difference)")
    }
    #expect(difference <= 1e-4 * scale, "\(label): max diff \(difference)", sourceLocation: sourceLocation)
}

/// Scores agree: correctness exactly, probabilities to 1e-5, logits to 1e-4 relative to the largest logit.
func expectScores(
    _ actual: [Double], _ expected: [Double], score: PerturbationSettings.Score, _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(label): step count", sourceLocation: sourceLocation)
    let scale = max(1, expected.map(abs).max() ?? 0)
    let tolerance = score == .top1Correct ? 0 : score == .probability ? 1e-5 : 1e-4 * scale
    let difference = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
    #expect(difference <= tolerance, "\(label): max diff \(difference)", sourceLocation: sourceLocation)
}

/// Areas agree to the scores' tolerance (times 100 for Chefer's x100 area).
func expectArea(
    _ actual: Double, _ expected: Double, score: PerturbationSettings.Score, rule: PerturbationSettings.Area,
    _ label: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let base = score == .top1Correct ? 1e-12 : score == .probability ? 1e-5 : 1e-4 * max(1, abs(expected))
    let tolerance = rule == .trapezoidWithUnperturbedTimes100 ? base * 100 : base
    #expect(
        abs(actual - expected) <= tolerance, "\(label): \(actual) vs \(expected)", sourceLocation: sourceLocation)
}

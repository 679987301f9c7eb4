import Datasets
import Evaluation
import Explainers
import Foundation
import Reports
import Testing
import ViT

@testable import Harness

/// The label of an image with several labels, by the protocol's ``LabelRule``.
@Suite("Label rules", .serialized)
struct LabelRuleTests {
    /// The committed VOC fixture of the dataset tests (tools/make_voc_fixtures.py): `2007_000032` has two
    /// aeroplanes (class 0) and a person (14); `2008_000123` has a dog (11) and a difficult cat (7), whose mask
    /// pixels are all void. Every mask is its objects' boxes less a one-pixel void rim.
    static let vocRoot =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DatasetsTests/Fixtures/voc/VOCdevkit/VOC2012").path

    /// The fixture's multi-label images of the segmentation val split, with their masks loaded.
    static func multiLabelSamples() throws -> [PreparedSample] {
        let dataset = try VOCDataset(root: vocRoot, options: VOCDataset.Options(split: "val"))
        let prepared = try (0..<dataset.count).map { index in
            try BenchmarkRun.prepare(
                index: index, dataset: dataset, settings: RunFixture.preprocessing, masks: .segmentation,
                maskSize: 224
            ).get()
        }
        return prepared.filter { $0.sample.labels.count > 1 }
    }

    /// Ground-truth pixels of each class of `prepared` under `evaluation`, at the map size.
    static func areas(_ prepared: PreparedSample, _ evaluation: EvaluationProtocol) throws -> [Int: Int] {
        var areas: [Int: Int] = [:]
        for label in prepared.sample.labels {
            areas[label] =
                try GroundTruthBuilder.groundTruth(
                    for: prepared.sample, segmentation: prepared.segmentation, classIndices: [label],
                    imageSize: prepared.imageSize, evaluation: evaluation)?.foreground.foregroundCount ?? 0
        }
        return areas
    }

    @Test(
        "the choice from labels, the top-1 class and the areas",
        arguments: [
            // (rule, labels, predicted, areas, label, ground-truth classes)
            (LabelRule.targetClass, [3, 8], 8, [3: 10, 8: 1], 8, [8]),
            (.targetClass, [3, 8], 5, [3: 1, 8: 10], 3, [3]),
            (.largestObject, [3, 8], 3, [3: 1, 8: 10], 8, [8]),
            (.largestObject, [3, 8, 9], 9, [3: 10, 8: 10, 9: 2], 3, [3]),
            (.everyLabel, [3, 8], 8, [3: 10, 8: 1], 8, [3, 8]),
            (.everyLabel, [3, 8], 1, [3: 10, 8: 1], 3, [3, 8]),
            (.largestObject, [4], 0, [4: 0], 4, [4]),
        ])
    func choice(
        rule: LabelRule, labels: [Int], predicted: Int, areas: [Int: Int], label: Int, truthClasses: [Int]
    ) {
        let choice = rule.choose(among: labels, predicted: predicted) { areas[$0] ?? 0 }
        #expect(choice == LabelRule.Choice(label: label, truthClasses: truthClasses))
    }

    @Test("no label gives no choice, and one label is asked no area")
    func degenerate() throws {
        for rule in LabelRule.allCases {
            #expect(rule.choose(among: [], predicted: 2) { _ in 0 } == nil)
            let single = rule.choose(among: [6], predicted: 2) { _ in
                Issue.record("\(rule) asked an area for a single label")
                return 0
            }
            #expect(single == LabelRule.Choice(label: 6, truthClasses: [6]))
        }
    }

    @Test(
        "on the VOC fixture each rule picks what it says, under masks and under boxes",
        arguments: [EvaluationProtocol.otsu, .agc2024])
    func vocFixture(evaluation: EvaluationProtocol) throws {
        let samples = try Self.multiLabelSamples()
        #expect(samples.map(\.sample.id) == ["2007_000032", "2008_000123"])
        for prepared in samples {
            let labels = prepared.sample.labels
            let areas = try Self.areas(prepared, evaluation)
            let largest = try #require(areas.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key)
            func choose(_ rule: LabelRule, predicted: Int) throws -> LabelRule.Choice {
                try #require(rule.choose(among: labels, predicted: predicted) { areas[$0] ?? 0 })
            }
            // target-class: the top-1 class when it is a label, the smallest label otherwise.
            for label in labels {
                #expect(try choose(.targetClass, predicted: label) == .init(label: label, truthClasses: [label]))
            }
            let unlabelled = try #require((0..<20).first { !labels.contains($0) })
            #expect(
                try choose(.targetClass, predicted: unlabelled) == .init(label: labels[0], truthClasses: [labels[0]]))
            // largest-object: whatever the model predicts.
            for predicted in labels + [unlabelled] {
                #expect(
                    try choose(.largestObject, predicted: predicted) == .init(label: largest, truthClasses: [largest]))
            }
            // every-label: the union of all the labels' ground truth.
            let every = try choose(.everyLabel, predicted: labels[1])
            #expect(every == .init(label: labels[1], truthClasses: labels))
            let union = try #require(
                try GroundTruthBuilder.groundTruth(
                    for: prepared.sample, segmentation: prepared.segmentation, classIndices: every.truthClasses,
                    imageSize: prepared.imageSize, evaluation: evaluation))
            var expected = BinaryMask(width: 224, height: 224)
            for label in labels {
                let single = try #require(
                    try GroundTruthBuilder.groundTruth(
                        for: prepared.sample, segmentation: prepared.segmentation, classIndex: label,
                        imageSize: prepared.imageSize, evaluation: evaluation))
                for pixel in expected.bits.indices where single.foreground.bits[pixel] == 1 { expected.bits[pixel] = 1 }
            }
            #expect(union.foreground == expected)
            // The fixture's objects of different classes do not overlap, so the union's area is the sum.
            #expect(union.foreground.foregroundCount == areas.values.reduce(0, +))
        }
        // The dog of 2008_000123 is larger than the difficult cat under either ground truth (the cat's mask is
        // all void), so largest-object picks the dog where the smallest index would pick the cat.
        let dogAndCat = try #require(samples.last)
        let areas = try Self.areas(dogAndCat, evaluation)
        #expect(dogAndCat.sample.labels == [7, 11] && (areas[11] ?? 0) > (areas[7] ?? 0))
        #expect(LabelRule.largestObject.choose(among: [7, 11], predicted: 7) { areas[$0] ?? 0 }?.label == 11)
    }

    @Test(
        "a run's rows carry the rule's label and are scored against the rule's ground truth",
        arguments: [LabelRule.targetClass, .largestObject, .everyLabel])
    func runUsesTheRule(rule: LabelRule) throws {
        let dataset = try VOCDataset(root: Self.vocRoot, options: VOCDataset.Options(split: "val"))
        let model = ViTModel(
            weights: .random(
                config: ViTConfig(imageSize: 32, patchSize: 8, embedDim: 48, depth: 2, heads: 3, classes: 20),
                seed: 3))
        var evaluation = EvaluationProtocol.otsu
        evaluation.labelRule = rule
        let folder = RunFixture.folder("label-rule")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = try RunDirectory(folder)
        var setup = try RunFixture.setup(dataset: dataset, evaluation: evaluation)
        setup.model = model
        try BenchmarkRun(setup: setup, directory: directory).run()
        let method = try #require(try MethodRegistry.builtIn.methods("raw-attention").first)
        let settings = RunFixture.preprocessing
        let samples = try Self.multiLabelSamples()
        #expect(samples.count == 2)
        for prepared in samples {
            let index = try #require((0..<dataset.count).first { dataset.sampleID(at: $0) == prepared.sample.id })
            let imageRows = directory.rows.filter { $0.index == index }
            // The run's own ingredients: the top-1 class, the rule's choice, the map of the top-1 class.
            let trace = model.forward(prepared.input)
            let logits = trace.logits.storage
            let predicted = try #require(logits.indices.max { logits[$0] < logits[$1] })
            let areas = try Self.areas(prepared, evaluation)
            let choice = try #require(
                rule.choose(among: prepared.sample.labels, predicted: predicted) { areas[$0] ?? 0 })
            #expect(Set(imageRows.map(\.label)) == [dataset.classNames[choice.label]], "\(prepared.sample.id)")
            let truth = try #require(
                try GroundTruthBuilder.groundTruth(
                    for: prepared.sample, segmentation: prepared.segmentation, classIndices: choice.truthClasses,
                    imageSize: prepared.imageSize, evaluation: evaluation))
            let context = try ExplanationContext(
                model: model, trace: trace, targetClass: predicted, imageID: prepared.sample.id,
                normalization: settings.normalization)
            let map = ScoreMap(try method.explain(context).normalized(to: evaluation.mapSize))
            let expected = try MapScoring.metrics(
                map, truth: truth, evaluation: evaluation,
                predictedCorrectly: prepared.sample.labels.contains(predicted))
            let scored = imageRows.filter { $0.method == method.id }
            #expect(scored.count == expected.count)
            for (metric, value) in expected {
                let row = try #require(scored.first { $0.metric == metric.id }, "\(metric.id)")
                #expect(row.value == value || (row.value.isNaN && value.isNaN), "\(prepared.sample.id) \(metric.id)")
            }
        }
    }
}

import Explainers
import Foundation
import Tensor
import Testing
import ViT

@testable import BenchCLI
@testable import Harness

/// One preprocessing for `bench run`, `bench explain` and `bench predict`, and `bench predict`'s defaults and
/// refusals, on the real executable.
@Suite("Shared preprocessing and bench predict", .serialized)
struct PreprocessingPromiseTests {
    @Test("bench explain of a dataset image writes exactly the maps bench run scores for it (default --policy squash)")
    func explainShowsTheMapsARunScores() throws {
        let dataset = try SyntheticCache.openValidation(log: { _ in })
        let loaded = try DemoModel.load()
        let index = 3
        let prepared = try BenchmarkRun.prepare(
            index: index, dataset: dataset, settings: loaded.preprocessing, masks: .segmentation
        ).get()
        let imagePath = try #require(prepared.sample.imagePath)
        let out = BenchProcess.temporaryFolder("explain")
        defer { try? FileManager.default.removeItem(at: out) }
        let methods = "rollout,agc,saliency"
        let outcome = try BenchProcess.run([
            "explain", "--image", imagePath, "--methods", methods, "--out", out.path,
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        // The run's path: its forward, the predicted class, each map normalised at the protocol's map size.
        let trace = loaded.model.forward(prepared.input)
        let logits = trace.logits.storage
        let predicted = try #require(logits.indices.max { logits[$0] < logits[$1] })
        let settings = loaded.preprocessing
        let context = try ExplanationContext(
            model: loaded.model, trace: trace, targetClass: predicted, imageID: prepared.sample.id,
            normalization: settings.normalization)
        for method in try MethodRegistry.builtIn.methods(methods) {
            let scored = try method.explain(context).normalized(to: 224).values
            let written = try NPY.read(contentsOf: out.appendingPathComponent("\(method.id).npy").path)
            #expect(written.shape == scored.shape, "\(method.id)")
            let largest = zip(written.storage, scored.storage).map { abs($0 - $1) }.max() ?? .infinity
            // Two processes, the same BLAS calls: equal up to float rounding at most.
            #expect(largest <= 1e-6, "\(method.id): explain and run maps differ by \(largest)")
        }
        let prediction = try String(contentsOf: out.appendingPathComponent("prediction.json"), encoding: .utf8)
        #expect(prediction.contains("\"index\" : \(predicted)") || prediction.contains("\"index\":\(predicted)"))
    }

    @Test("bench predict without --model and --weights classifies with the demo model and its class names")
    func predictDefaultsToTheDemoModel() throws {
        let dataset = try SyntheticCache.openValidation(log: { _ in })
        let sample = try dataset.sample(at: 0)
        let imagePath = try #require(sample.imagePath)
        let outcome = try BenchProcess.run(["predict", "--image", imagePath, "--top", "3"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("model      demo:"))
        // The demo model is 100 % right on the demo set: the first line names the sample's class.
        let labelName = dataset.classNames[sample.labels[0]]
        let first = outcome.standardOutput.split(separator: "\n").first { $0.hasPrefix("  1. ") }
        #expect(first?.contains("] \(labelName) ") == true, "\(outcome.standardOutput)")
    }

    @Test("bench predict reports NaN logits as an error naming the checkpoint, and warns when it guesses heads")
    func predictRefusesNonFiniteLogits() throws {
        let folder = BenchProcess.temporaryFolder("nan-checkpoint")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = ViTConfig(imageSize: 32, patchSize: 16, embedDim: 128, depth: 1, heads: 2, classes: 4)
        let checkpoint = try BenchProcess.nanCheckpoint(config, seed: 3, in: folder, name: "broken")
        let dataset = try SyntheticCache.openValidation(log: { _ in })
        let imagePath = try #require(try dataset.sample(at: 0).imagePath)
        let outcome = try BenchProcess.run([
            "predict", "--model", "tiny", "--weights", checkpoint, "--image", imagePath,
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("\(checkpoint): the model's logits for \(imagePath) are not finite"))
        #expect(outcome.standardError.contains("warning: tiny is no preset, so its head count is a guess: 2"))
        let given = try BenchProcess.run([
            "predict", "--model", "tiny", "--weights", checkpoint, "--heads", "2", "--image", imagePath,
        ])
        #expect(!given.standardError.contains("warning:"))
    }
}

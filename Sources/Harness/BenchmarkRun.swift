import Datasets
import Evaluation
import Explainers
import Foundation
import Imaging
import Reports
import Tensor
import ViT

/// One benchmark run: streams a dataset through the model, explains each image with every method, scores
/// the maps under one protocol and appends the rows to a resumable run folder.
///
/// Per image: decode and preprocess (prefetched on another thread) → one forward → the protocol's filter and
/// target class → one ``ExplanationContext`` shared by all methods → each map normalised at the protocol's
/// map size → ``MapScoring`` rows → one durable block in `per_image.csv`. A sample that cannot be read is
/// recorded in `skipped.csv` and the run goes on; a method that fails on one image is recorded there too (with
/// NaN rows) while the other methods still count. Images already complete in the folder are not redone.
public final class BenchmarkRun {
    /// What a run needs, all validated before any image is read.
    public struct Setup {
        public var dataset: any Dataset
        public var model: ViTModel
        public var preprocessing: PreprocessingSettings
        public var methods: [any ExplanationMethod]
        public var evaluation: EvaluationProtocol
        /// Dataset indices to evaluate (after `--limit` and `--shard`), in order.
        public var indices: [Int]

        public init(
            dataset: any Dataset, model: ViTModel, preprocessing: PreprocessingSettings,
            methods: [any ExplanationMethod], evaluation: EvaluationProtocol, indices: [Int]
        ) {
            self.dataset = dataset
            self.model = model
            self.preprocessing = preprocessing
            self.methods = methods
            self.evaluation = evaluation
            self.indices = indices
        }
    }

    /// Progress after each image.
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var skipped: Int
        public var elapsed: Double
        /// Seconds spent in model passes and map building (forward, backward, LRP, batched passes).
        public var passSeconds: Double
    }

    /// Why a run cannot start.
    public enum SetupError: Error, CustomStringConvertible {
        case modelDoesNotFitDataset(String)
        case preprocessing(String)

        public var description: String {
            switch self {
            case .modelDoesNotFitDataset(let reason), .preprocessing(let reason):
                reason
            }
        }
    }

    public let setup: Setup
    public let directory: RunDirectory
    /// The protocol's perturbation test, when it has one.
    let perturbationRunner: PerturbationRunner?

    /// Checks that the model, preprocessing and protocol fit the dataset; throws ``SetupError`` otherwise.
    public init(setup: Setup, directory: RunDirectory) throws {
        perturbationRunner = try Self.check(setup)
        self.setup = setup
        self.directory = directory
    }

    /// Throws ``SetupError`` when the model, preprocessing or protocol do not fit the dataset; a command calls
    /// it before it creates a run folder, so a refused run leaves nothing behind.
    /// - Returns: the protocol's perturbation runner, when it has a perturbation test.
    @discardableResult
    public static func check(_ setup: Setup) throws -> PerturbationRunner? {
        let classes = setup.model.config.classes
        let datasetClasses = setup.dataset.classNames.count
        guard classes == datasetClasses else {
            throw SetupError.modelDoesNotFitDataset(
                "the model has \(classes) classes but the dataset \(setup.dataset.name) has \(datasetClasses) "
                    + "(\(setup.dataset.classNames.prefix(5).joined(separator: ", "))...); "
                    + "use a checkpoint trained on this dataset's classes")
        }
        guard setup.preprocessing.policy == .squash && setup.preprocessing.cropPct == 1 else {
            throw SetupError.preprocessing(
                "protocols compare maps with annotations of the whole image, so the input must be the whole "
                    + "image resized to \(setup.preprocessing.size)x\(setup.preprocessing.size) "
                    + "(--policy squash, crop 1, as in Chefer's and AG-CAM's code)")
        }
        return try setup.evaluation.perturbation.map { settings in
            try PerturbationRunner(
                model: setup.model, settings: settings,
                normalization: PerturbationNormalization(setup.preprocessing))
        }
    }

    /// Evaluates every image of ``Setup/indices`` not already complete in the folder. `progress` is called
    /// after each image; `shouldStop` is polled between images (a signal handler sets it) and ends the run
    /// cleanly after the current image.
    public func run(progress: (Progress) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws {
        let pending = setup.indices.filter { !directory.completed.contains($0) }
        let dataset = setup.dataset
        let settings = setup.preprocessing
        let masks = Self.maskSelection(for: setup.evaluation)
        let maskSize = setup.evaluation.mapSize
        let prefetcher = Prefetcher<Result<PreparedSample, SampleProblem>>(indices: pending) { index in
            Self.prepare(index: index, dataset: dataset, settings: settings, masks: masks, maskSize: maskSize)
        }
        defer { prefetcher.cancel() }
        let start = Date()
        var passSeconds = 0.0
        var done = 0
        var skipped = 0
        while let (_, item) = prefetcher.nextItem() {
            switch item {
            case .failure(let problem):
                try directory.appendSkipped(
                    index: problem.index, imageID: problem.imageID, path: problem.path, reason: problem.reason)
                skipped += 1
            case .success(let prepared):
                passSeconds += try evaluate(prepared)
            }
            done += 1
            progress(
                Progress(
                    done: done, total: pending.count, skipped: skipped, elapsed: Date().timeIntervalSince(start),
                    passSeconds: passSeconds))
            if shouldStop() { break }
        }
    }

    /// The masks a protocol scores against: a bad mask skips a sample only where the mask would be used, so a
    /// run under a boxes ground truth still scores an image whose mask is broken (`bench inspect --decode`
    /// reports it as a mask failure either way).
    static func maskSelection(for evaluation: EvaluationProtocol) -> Sample.MaskSelection {
        evaluation.groundTruth == .boxes ? .none : .segmentation
    }

    /// Reads, decodes, checks and preprocesses one sample; every failure of the sample (its annotation, its
    /// image, the checks of ``Sample/validated(against:masks:)``, the masks in `masks`) becomes the
    /// ``SampleProblem`` the run records in `skipped.csv`, never a thrown error.
    /// - Parameter maskSize: when given, the mask is brought to `maskSize x maskSize` here, as
    ///   ``GroundTruthBuilder`` would, so the prefetched samples hold map-size masks, not full-size ones.
    static func prepare(
        index: Int, dataset: any Dataset, settings: PreprocessingSettings, masks: Sample.MaskSelection,
        maskSize: Int? = nil
    ) -> Result<PreparedSample, SampleProblem> {
        let id = dataset.sampleID(at: index)
        var path = ""
        do {
            let sample = try dataset.sample(at: index)
            path = sample.imagePath ?? ""
            let image = try sample.loadImage()
            let loaded = try sample.validated(against: image, masks: masks)
            let resized = Preprocessing.resizedAndCropped(image, settings: settings)
            let planes = resized.normalizedPlanes(
                mean: (settings.mean.x, settings.mean.y, settings.mean.z),
                std: (settings.std.x, settings.std.y, settings.std.z))
            let input = Tensor(shape: [1, 3, settings.size, settings.size], storage: planes)
            return .success(
                PreparedSample(
                    index: index, sample: sample, imageSize: (image.width, image.height), input: input,
                    resized: resized,
                    segmentation: loaded.segmentation.map { mask in
                        maskSize.map { GroundTruthBuilder.resized(mask, to: $0) } ?? mask
                    }))
        } catch let error as DatasetError {
            return .failure(SampleProblem(index: index, imageID: id, path: error.path, reason: "\(error)"))
        } catch {
            return .failure(SampleProblem(index: index, imageID: id, path: path, reason: "\(error)"))
        }
    }

    /// Evaluates one image and appends its block; returns the seconds spent in passes and maps.
    func evaluate(_ prepared: PreparedSample) throws -> Double {
        let model = setup.model
        let evaluation = setup.evaluation
        let sample = prepared.sample
        let clock = ContinuousClock()
        var passTime = Duration.zero
        let forwardStart = clock.now
        let trace = model.forward(prepared.input)
        passTime += clock.now - forwardStart
        let logits = trace.logits.storage
        guard logits.allSatisfy(\.isFinite) else {
            let bad = logits.filter { !$0.isFinite }.count
            try directory.appendSkipped(
                index: prepared.index, imageID: sample.id, path: sample.imagePath ?? "",
                reason: "the model's logits are not finite (\(bad) of \(logits.count) NaN or infinite); "
                    + "check the checkpoint and the image")
            return Self.seconds(passTime)
        }
        let probabilities = Self.softmax(logits)
        let predicted = logits.indices.max { logits[$0] < logits[$1] } ?? 0
        let correct = sample.labels.contains(predicted)
        // The image's label and the classes of its ground truth, by the protocol's rule (LabelRule).
        let choice: LabelRule.Choice?
        do {
            choice = try evaluation.labelRule.choose(among: sample.labels, predicted: predicted) { classIndex in
                try GroundTruthBuilder.groundTruth(
                    for: sample, segmentation: prepared.segmentation, classIndices: [classIndex],
                    imageSize: prepared.imageSize, evaluation: evaluation)?.foreground.foregroundCount ?? 0
            }
        } catch {
            try recordGroundTruthProblem(error, of: sample, index: prepared.index)
            return Self.seconds(passTime)
        }
        let label = choice?.label ?? -1
        let labelName = setup.dataset.classNames.indices.contains(label) ? setup.dataset.classNames[label] : ""
        var rows: [ResultRow] = []
        var histograms: [SweepHistogram] = []
        func add(_ method: String, _ metric: String, _ value: Double) {
            rows.append(
                ResultRow(
                    index: prepared.index, imageID: sample.id, label: labelName, method: method, metric: metric,
                    value: value))
        }
        add(ResultRow.imageMethod, "predicted-class", Double(predicted))
        add(ResultRow.imageMethod, "top1-correct", correct ? 1 : 0)
        add(ResultRow.imageMethod, "top1-probability", Double(probabilities[predicted]))

        let included: Bool
        switch evaluation.imageFilter {
        case .all: included = true
        case .correctOnly: included = correct
        case .topProbabilityAbove(let threshold): included = Double(probabilities[predicted]) > threshold
        }
        // Localization follows the protocol's filter; the perturbation test (AG-CAM's ABPC, Chefer's
        // positive/negative test) runs on every image with a label, as both reference scripts do.
        let localize = included && label >= 0
        let perturb = perturbationRunner != nil && label >= 0
        guard localize || perturb else {
            try directory.append(
                rows, index: prepared.index, imageID: sample.id, label: labelName, status: .filtered)
            return Self.seconds(passTime)
        }
        let localizationTarget = evaluation.mapClass == .label ? label : predicted
        let perturbationTarget = evaluation.perturbation?.mapClass == .label ? label : predicted
        let truth: GroundTruth?
        do {
            truth =
                localize
                ? try GroundTruthBuilder.groundTruth(
                    for: sample, segmentation: prepared.segmentation, classIndices: choice?.truthClasses ?? [],
                    imageSize: prepared.imageSize, evaluation: evaluation)
                : nil
        } catch {
            try recordGroundTruthProblem(error, of: sample, index: prepared.index)
            return Self.seconds(passTime)
        }
        let settings = setup.preprocessing
        var contexts: [Int: ExplanationContext] = [:]
        func context(for target: Int) throws -> ExplanationContext {
            if let existing = contexts[target] { return existing }
            let created = try ExplanationContext(
                model: model, trace: trace, targetClass: target, imageID: sample.id,
                normalization: PixelNormalization(
                    mean: [settings.mean.x, settings.mean.y, settings.mean.z],
                    std: [settings.std.x, settings.std.y, settings.std.z]))
            contexts[target] = created
            return created
        }
        for method in setup.methods {
            let methodStart = clock.now
            var heatmaps: [Int: Heatmap] = [:]
            do {
                for target in Set(
                    [localize ? localizationTarget : nil, perturb ? perturbationTarget : nil].compactMap { $0 })
                {
                    heatmaps[target] = try method.explain(try context(for: target))
                }
            } catch {
                passTime += clock.now - methodStart
                try directory.recordFailure(
                    index: prepared.index, imageID: sample.id, path: sample.imagePath ?? "",
                    reason: "method \(method.id): \(error)")
                add(method.id, "method-failed", 1)
                continue
            }
            // A map that cannot be scored fails its method on this image, like a map that cannot be made.
            var methodRows: [(String, Double)] = []
            var methodHistograms: [SweepHistogram] = []
            do {
                if localize, let truth, let heatmap = heatmaps[localizationTarget] {
                    let map = ScoreMap(heatmap.normalized(to: evaluation.mapSize))
                    passTime += clock.now - methodStart
                    methodRows += try MapScoring.metrics(
                        map, truth: truth, evaluation: evaluation, predictedCorrectly: correct)
                    methodHistograms = MapScoring.histograms(
                        map, truth: truth, evaluation: evaluation, index: prepared.index, method: method.id)
                } else {
                    passTime += clock.now - methodStart
                }
                if perturb, let runner = perturbationRunner, let heatmap = heatmaps[perturbationTarget] {
                    let curveStart = clock.now
                    let map = heatmap.normalized(to: model.config.imageSize)
                    let curves = try runner.curves(
                        image: prepared.input, map: map.values, label: label, unperturbedLogits: trace.logits)
                    passTime += clock.now - curveStart
                    methodRows += PerturbationScoring.rows(curves, settings: runner.settings)
                }
            } catch {
                try directory.recordFailure(
                    index: prepared.index, imageID: sample.id, path: sample.imagePath ?? "",
                    reason: "method \(method.id): scoring: \(error)")
                add(method.id, "method-failed", 1)
                continue
            }
            for (metric, value) in methodRows { add(method.id, metric, value) }
            histograms += methodHistograms
        }
        try directory.append(
            rows, index: prepared.index, imageID: sample.id, label: labelName, status: .evaluated,
            histograms: histograms)
        return Self.seconds(passTime)
    }

    /// A bad annotation or mask is the sample's problem, not the run's: recorded in `skipped.csv`, and the run
    /// goes on.
    private func recordGroundTruthProblem(_ error: any Error, of sample: Sample, index: Int) throws {
        let path = (error as? DatasetError)?.path ?? sample.imagePath ?? ""
        try directory.appendSkipped(index: index, imageID: sample.id, path: path, reason: "ground truth: \(error)")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func softmax(_ logits: [Float]) -> [Float] {
        let largest = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }
}

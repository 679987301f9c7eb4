import Datasets
import Evaluation
import Explainers
import Foundation
import Reports
import ScoreMaps
import Tensor
import ViT

/// One image through the run, step by step: ``classify(_:)`` (the forward, its logits checked),
/// ``targets(of:classification:)`` (the protocol's label rule, filter and target classes), ``groundTruth(of:targets:)``,
/// then ``scoreMethod(_:prepared:classification:targets:truth:contexts:)`` per method, and the block appended.
extension BenchmarkRun {
    /// The model's verdict on one image.
    struct Classification {
        /// The forward pass that classified the image, until the image's explanation contexts take it over
        /// (``evaluate(_:)`` then lets go of it, so that the contexts can free it once no method needs it).
        var forward: ForwardTrace
        /// `[1, classes]`.
        var logits: Tensor
        var probabilities: [Float]
        var predicted: Int
        /// Whether the top-1 class is one of the image's labels.
        var correct: Bool
    }

    /// What the protocol asks of one image.
    struct Targets {
        /// The image's label by the protocol's ``LabelRule`` (-1 without one) and its class name.
        var label: Int
        var labelName: String
        /// Whether the maps are scored against the ground truth (the protocol's filter passed).
        var localize: Bool
        /// Whether the perturbation test runs (every image with a label, as both reference scripts do).
        var perturb: Bool
        var localizationTarget: Int
        var perturbationTarget: Int
        /// The classes whose ground truth (united) the map should find, by the protocol's ``LabelRule``.
        var truthClasses: [Int]
    }

    /// One method's rows and histograms on one image.
    struct MethodScores {
        var rows: [(MetricRow, Double)] = []
        var histograms: [SweepHistogram] = []
        /// The normalised map scored against the ground truth, for the gallery.
        var map: ScoreMap?
    }

    /// Evaluates one image and appends its block; returns the seconds spent in passes and maps.
    func evaluate(_ prepared: PreparedSample) throws -> Double {
        let sample = prepared.sample
        let clock = ContinuousClock()
        let forwardStart = clock.now
        let classification = try classify(prepared)
        var passTime = clock.now - forwardStart
        guard let classification else { return Self.seconds(passTime) }
        guard let targets = try targets(of: prepared, classification: classification) else {
            return Self.seconds(passTime)
        }
        var rows: [ResultRow] = []
        func add(_ method: String, _ metric: String, _ value: Double) {
            rows.append(
                ResultRow(
                    index: prepared.index, imageID: sample.id, label: targets.labelName, method: method,
                    metric: metric, value: value))
        }
        add(ResultRow.imageMethod, "predicted-class", Double(classification.predicted))
        add(ResultRow.imageMethod, "top1-correct", classification.correct ? 1 : 0)
        add(ResultRow.imageMethod, "top1-probability", Double(classification.probabilities[classification.predicted]))
        guard targets.localize || targets.perturb else {
            try directory.append(
                rows, index: prepared.index, imageID: sample.id, label: targets.labelName, status: .filtered)
            return Self.seconds(passTime)
        }
        guard case .some(let truth) = try groundTruth(of: prepared, targets: targets) else {
            return Self.seconds(passTime)
        }
        var contexts: [Int: ExplanationContext] = [:]
        // Every context this image needs, made now from the classifying forward, which is then let go: each
        // context frees what no later method needs (``ExplanationContext/release(keepingWhat:)``). A context
        // that cannot be made throws again in `scoreMethod`, which records the failure per method.
        for target in explainedTargets(targets) {
            _ = try? context(for: target, prepared: prepared, classification: classification, contexts: &contexts)
        }
        classification.forward.trace = nil
        var histograms: [SweepHistogram] = []
        var maps: [String: ScoreMap] = [:]
        var rankingValues: [String: Double] = [:]
        let rankingRow = galleryTracker?.metric.map { MetricRow.value($0) }
        // Computed in an order that frees the float32 trace early (``executionOrder(_:)``), reported in the
        // run's own order.
        let order =
            contexts.values.first.map { context in
                Self.executionOrder(setup.methods.map { $0.requiredProducts(for: context) })
            } ?? Array(setup.methods.indices)
        var outcomes: [Int: Result<MethodScores, MethodFailure>] = [:]
        for (step, index) in order.enumerated() {
            let methodStart = clock.now
            outcomes[index] = scoreMethod(
                setup.methods[index], prepared: prepared, classification: classification, targets: targets,
                truth: truth, contexts: &contexts)
            for context in contexts.values {
                context.release(
                    keepingWhat: order[(step + 1)...].flatMap { setup.methods[$0].requiredProducts(for: context) })
            }
            passTime += clock.now - methodStart
        }
        for (index, method) in setup.methods.enumerated() {
            guard let outcome = outcomes[index] else { continue }
            switch outcome {
            case .success(let scores):
                for (row, value) in scores.rows {
                    add(method.id, row.id, value)
                    if let rankingRow, row == rankingRow, !value.isNaN { rankingValues[method.id] = value }
                }
                histograms += scores.histograms
                if galleryTracker != nil { maps[method.id] = scores.map }
            case .failure(let failure):
                try directory.recordFailure(
                    index: prepared.index, imageID: sample.id, path: sample.imagePath ?? "",
                    reason: "method \(method.id): \(failure.stage)\(failure.error)")
                add(method.id, MetricRow.value(.methodFailed).id, 1)
            }
        }
        try directory.append(
            rows, index: prepared.index, imageID: sample.id, label: targets.labelName, status: .evaluated,
            histograms: histograms)
        galleryTracker?.offer(index: prepared.index, values: rankingValues) {
            GalleryTracker.KeptImage(
                imageID: sample.id, label: targets.labelName, picture: galleryPicture(prepared), truth: truth,
                maps: maps)
        }
        return Self.seconds(passTime)
    }

    /// The order an image's methods are computed in, from each method's products: first those that read the
    /// float32 trace (the forward, or a backward of it) and nothing else, then those that also need an LRP pass
    /// (transformer attribution), then the rest (the LRP methods, which run their own float64 forward; the
    /// batched input-gradient passes; the baselines), each group in the run's order. Maps do not depend on the
    /// order; memory does: the trace is freed once the first group is done, so the float64 LRP pass and the
    /// batched passes get its room.
    static func executionOrder(_ products: [[TraceProduct]]) -> [Int] {
        func readsTrace(_ product: TraceProduct) -> Bool {
            switch product {
            case .forward, .gradients: true
            case .relevance, .batchedGradients: false
            }
        }
        func isRelevance(_ product: TraceProduct) -> Bool {
            if case .relevance = product { return true }
            return false
        }
        let traceOnly = products.indices.filter {
            products[$0].contains(where: readsTrace) && !products[$0].contains(where: isRelevance)
        }
        let traceAndRelevance = products.indices.filter {
            products[$0].contains(where: readsTrace) && products[$0].contains(where: isRelevance)
        }
        let rest = products.indices.filter { !products[$0].contains(where: readsTrace) }
        return traceOnly + traceAndRelevance + rest
    }

    /// The forward pass of one image; nil (the sample recorded as skipped) when its logits are not finite.
    func classify(_ prepared: PreparedSample) throws -> Classification? {
        switch classification(of: prepared) {
        case .success(let classification):
            return classification
        case .failure(let failure):
            try directory.appendSkipped(
                index: prepared.index, imageID: prepared.sample.id, path: prepared.sample.imagePath ?? "",
                reason: "\(failure)")
            return nil
        }
    }

    /// Logits with NaN or infinite values.
    struct NonFiniteLogits: Error, CustomStringConvertible {
        var bad: Int
        var total: Int

        var description: String {
            "the model's logits are not finite (\(bad) of \(total) NaN or infinite); check the checkpoint and the image"
        }
    }

    /// The forward pass of one image and its class ranking, recording nothing (the gallery's second pass uses
    /// it too).
    func classification(of prepared: PreparedSample) -> Result<Classification, NonFiniteLogits> {
        let trace = setup.model.forward(prepared.input)
        let logits = trace.logits.storage
        guard logits.allSatisfy(\.isFinite) else {
            return .failure(NonFiniteLogits(bad: logits.filter { !$0.isFinite }.count, total: logits.count))
        }
        let ranking = ClassRanking(logits: logits)
        let predicted = ranking.predicted
        return .success(
            Classification(
                forward: ForwardTrace(trace: trace), logits: trace.logits, probabilities: ranking.probabilities,
                predicted: predicted,
                correct: prepared.sample.labels.contains(predicted)))
    }

    /// The protocol's label, filter and target classes for one classified image; nil (the sample recorded as
    /// skipped) when the label rule needs a ground truth that cannot be made.
    func targets(of prepared: PreparedSample, classification: Classification) throws -> Targets? {
        let evaluation = setup.evaluation
        let sample = prepared.sample
        let choice: LabelRule.Choice?
        do {
            choice = try evaluation.labelRule.choose(among: sample.labels, predicted: classification.predicted) {
                classIndex in
                try GroundTruthBuilder.groundTruth(
                    for: sample, segmentation: prepared.segmentation, classIndices: [classIndex],
                    imageSize: prepared.imageSize, evaluation: evaluation)?.foreground.foregroundCount ?? 0
            }
        } catch {
            try recordGroundTruthProblem(error, of: prepared)
            return nil
        }
        let label = choice?.label ?? -1
        let labelName = setup.dataset.classNames.indices.contains(label) ? setup.dataset.classNames[label] : ""
        let included: Bool
        switch evaluation.imageFilter {
        case .all: included = true
        case .correctOnly: included = classification.correct
        case .topProbabilityAbove(let threshold):
            // In float32, as `softmax(logits).max() > 0.85` compares a float32 tensor with the literal.
            included = classification.probabilities[classification.predicted] > Float(threshold)
        }
        let localizationTarget = evaluation.mapClass == .label ? label : classification.predicted
        return Targets(
            label: label, labelName: labelName, localize: included && label >= 0,
            perturb: perturbationRunner != nil && label >= 0, localizationTarget: localizationTarget,
            perturbationTarget: evaluation.perturbation?.mapClass == .label ? label : classification.predicted,
            truthClasses: choice?.truthClasses ?? [])
    }

    /// The ground truth the maps are scored against: `.some(nil)` when the image is not localized,
    /// `nil` (the sample recorded as skipped) when its annotation or mask cannot be made into one.
    func groundTruth(of prepared: PreparedSample, targets: Targets) throws -> GroundTruth?? {
        guard targets.localize else { return .some(nil) }
        do {
            return try GroundTruthBuilder.groundTruth(
                for: prepared.sample, segmentation: prepared.segmentation, classIndices: targets.truthClasses,
                imageSize: prepared.imageSize, evaluation: setup.evaluation)
        } catch {
            try recordGroundTruthProblem(error, of: prepared)
            return nil
        }
    }

    /// A bad annotation or mask is the sample's problem, not the run's: recorded in `skipped.csv`, and the run
    /// goes on.
    func recordGroundTruthProblem(_ error: any Error, of prepared: PreparedSample) throws {
        let path = (error as? DatasetError)?.path ?? prepared.sample.imagePath ?? ""
        try directory.appendSkipped(
            index: prepared.index, imageID: prepared.sample.id, path: path, reason: "ground truth: \(error)")
    }

    /// A method that failed on one image, at making its map or at scoring it.
    struct MethodFailure: Error {
        /// "" for the map, "scoring: " for the scores.
        var stage: String
        var error: any Error
    }

    /// One method's maps for the image's targets, scored: localization rows against `truth` and the
    /// perturbation test's rows; a map that cannot be made or scored is a ``MethodFailure``.
    func scoreMethod(
        _ method: any ExplanationMethod, prepared: PreparedSample, classification: Classification, targets: Targets,
        truth: GroundTruth?, contexts: inout [Int: ExplanationContext]
    ) -> Result<MethodScores, MethodFailure> {
        var heatmaps: [Int: Heatmap] = [:]
        do {
            for target in explainedTargets(targets) {
                heatmaps[target] = try method.explain(
                    try context(for: target, prepared: prepared, classification: classification, contexts: &contexts))
            }
        } catch {
            return .failure(MethodFailure(stage: "", error: error))
        }
        let evaluation = setup.evaluation
        var scores = MethodScores()
        do {
            if targets.localize, let truth, let heatmap = heatmaps[targets.localizationTarget] {
                let map = ScoreMap(heatmap.normalized(to: evaluation.mapSize))
                scores.map = map
                scores.rows += try MapScoring.metrics(
                    map, truth: truth, evaluation: evaluation, predictedCorrectly: classification.correct)
                scores.histograms = MapScoring.histograms(
                    map, truth: truth, evaluation: evaluation, index: prepared.index, method: method.id)
            }
            if targets.perturb, let runner = perturbationRunner, let heatmap = heatmaps[targets.perturbationTarget] {
                let map = heatmap.normalized(to: setup.model.config.imageSize)
                let curves = try runner.curves(
                    image: prepared.input, map: map.values, label: targets.label,
                    unperturbedLogits: classification.logits)
                scores.rows += PerturbationScoring.rows(curves, settings: runner.settings, metrics: evaluation.metrics)
            }
        } catch {
            return .failure(MethodFailure(stage: "scoring: ", error: error))
        }
        return .success(scores)
    }

    /// The classes the image's maps are made for: the localization and the perturbation target, where each
    /// applies.
    func explainedTargets(_ targets: Targets) -> Set<Int> {
        Set(
            [
                targets.localize ? targets.localizationTarget : nil,
                targets.perturb ? targets.perturbationTarget : nil,
            ].compactMap { $0 })
    }

    /// The explanation context of one target class, made once per image and target and shared by the methods.
    func context(
        for target: Int, prepared: PreparedSample, classification: Classification,
        contexts: inout [Int: ExplanationContext]
    ) throws -> ExplanationContext {
        if let existing = contexts[target] { return existing }
        let created =
            if let trace = classification.forward.trace {
                try ExplanationContext(
                    model: setup.model, trace: trace, targetClass: target, imageID: prepared.sample.id,
                    normalization: setup.preprocessing.normalization)
            } else {
                try ExplanationContext(
                    model: setup.model, input: prepared.input, targetClass: target, imageID: prepared.sample.id,
                    normalization: setup.preprocessing.normalization)
            }
        created.passMemory = passMemory
        contexts[target] = created
        return created
    }
}

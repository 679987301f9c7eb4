/// Dataset-level perturbation results: the mean curve over images of each curve kind, `[T]`, accumulated as the
/// images stream by (no per-image curve is kept), and its area.
///
/// Every reference aggregates this way: Chefer takes `np.trapz` of the per-step mean accuracy, AG-CAM the mean
/// over steps of the per-step mean probability, RISE's batch `evaluate` the `auc` of the mean curve. All three
/// rules are linear, so the area of the mean curve also equals the mean of the per-image areas.
public struct PerturbationSummary: Sendable, Hashable, Codable {
    /// The running sums of one curve kind.
    public struct Entry: Sendable, Hashable, Codable {
        public var curve: PerturbationSettings.Curve
        public var pixelCounts: [Int]
        public var positions: [Double]
        /// Per-step sums over images, `[T]`.
        public var scoreSums: [Double]
        public var unperturbedSum: Double
        public var imageCount: Int

        /// The mean curve `[T]` (zeros before any image).
        public var meanScores: [Double] { scoreSums.map { imageCount > 0 ? $0 / Double(imageCount) : 0 } }

        /// The mean unperturbed score.
        public var meanUnperturbed: Double { imageCount > 0 ? unperturbedSum / Double(imageCount) : 0 }

        /// The area of the mean curve under `rule`.
        public func area(_ rule: PerturbationSettings.Area) -> Double {
            PerturbationCurve.area(scores: meanScores, positions: positions, unperturbed: meanUnperturbed, rule: rule)
        }
    }

    /// One entry per curve kind, in the order first seen.
    public private(set) var entries: [Entry] = []

    public init() {}

    /// Adds one image's curves. A curve whose step count differs from the one already accumulated for its kind
    /// is a programming error (one summary per schedule).
    public mutating func add(_ curves: [PerturbationCurve]) {
        for curve in curves { add(curve) }
    }

    /// Adds one image's curve.
    public mutating func add(_ curve: PerturbationCurve) {
        guard let index = entries.firstIndex(where: { $0.curve == curve.curve }) else {
            entries.append(
                Entry(
                    curve: curve.curve, pixelCounts: curve.pixelCounts, positions: curve.positions,
                    scoreSums: curve.scores, unperturbedSum: curve.unperturbedScore, imageCount: 1))
            return
        }
        precondition(
            entries[index].scoreSums.count == curve.scores.count,
            "PerturbationSummary: \(curve.scores.count) steps added to a curve of \(entries[index].scoreSums.count)")
        for step in curve.scores.indices { entries[index].scoreSums[step] += curve.scores[step] }
        entries[index].unperturbedSum += curve.unperturbedScore
        entries[index].imageCount += 1
    }

    /// The accumulated entry of one curve kind.
    public func entry(_ curve: PerturbationSettings.Curve) -> Entry? {
        entries.first { $0.curve == curve }
    }

    /// AG-CAM's ABPC: area of the deletion LeRF mean curve minus area of the deletion MoRF mean curve
    /// (`(1/T) * sum_s mean_i [p_LeRF(s, i) - p_MoRF(s, i)]` under ``PerturbationSettings/Area/stepMean``); nil
    /// unless both curves were accumulated.
    public func areaBetweenCurves(_ rule: PerturbationSettings.Area) -> Double? {
        guard let lerf = entry(.init(mode: .deletion, order: .leastRelevantFirst)),
            let morf = entry(.init(mode: .deletion, order: .mostRelevantFirst))
        else { return nil }
        return lerf.area(rule) - morf.area(rule)
    }
}

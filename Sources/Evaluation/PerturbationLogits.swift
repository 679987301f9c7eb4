import Tensor

/// The model's logits along the curves of one image: `[T, K]` per curve, and `[K]` for the unperturbed image.
/// Any score kind and class reduce them to ``PerturbationCurve``s, so one batched pass serves Chefer's three
/// logged quantities (correctness, probability, logit) at once.
public struct PerturbationLogits: Sendable, Hashable {
    /// The curves, in ``PerturbationSettings/curves`` order.
    public var curves: [PerturbationSettings.Curve]
    public var schedule: PerturbationSchedule
    /// The unperturbed image's logits `[K]`.
    public var unperturbed: [Float]
    /// Per curve, the logits at each step, `[T * K]` row-major.
    public var steps: [[Float]]

    public init(
        curves: [PerturbationSettings.Curve], schedule: PerturbationSchedule, unperturbed: [Float], steps: [[Float]]
    ) {
        self.curves = curves
        self.schedule = schedule
        self.unperturbed = unperturbed
        self.steps = steps
    }

    /// Classes `K`.
    public var classes: Int { unperturbed.count }

    /// The unperturbed image's top-1 class (first on ties, as `torch.argmax`).
    public var predictedClass: Int { ClassRanking.argmax(unperturbed[...]) }

    /// The logits `[K]` of curve `curve` at step `step`.
    public func logits(curve: Int, step: Int) -> ArraySlice<Float> {
        steps[curve][(step * classes)..<((step + 1) * classes)]
    }

    /// Each curve reduced by `score` for class `scoreClass`.
    public func curves(
        score: PerturbationSettings.Score, scoreClass: Int
    ) throws(PerturbationError) -> [PerturbationCurve] {
        guard (0..<classes).contains(scoreClass) else { throw .classOutOfRange(scoreClass, classes: classes) }
        let unperturbedScore = Self.score(unperturbed[...], score: score, scoreClass: scoreClass)
        return curves.indices.map { index in
            PerturbationCurve(
                curve: curves[index], scoreClass: scoreClass, pixelCounts: schedule.pixelCounts,
                positions: schedule.positions,
                scores: schedule.pixelCounts.indices.map { step in
                    Self.score(logits(curve: index, step: step), score: score, scoreClass: scoreClass)
                },
                unperturbedScore: unperturbedScore)
        }
    }

    /// One logits row `[K]` reduced: 1 or 0 for top-1 correctness, the float32 softmax probability
    /// (``ClassRanking``, max-subtracted as `torch.softmax`), or the logit.
    public static func score(
        _ logits: ArraySlice<Float>, score: PerturbationSettings.Score, scoreClass: Int
    ) -> Double {
        switch score {
        case .top1Correct:
            return ClassRanking.argmax(logits) == scoreClass ? 1 : 0
        case .probability:
            return Double(ClassRanking(logits: Array(logits)).probabilities[scoreClass])
        case .logit:
            return Double(logits[logits.startIndex + scoreClass])
        }
    }
}

/// One image's perturbation curve: the score after each step, `[T]`, with the schedule it was sampled on and the
/// score of the unperturbed image.
public struct PerturbationCurve: Sendable, Hashable, Codable {
    /// Which curve (deletion or insertion, MoRF or LeRF).
    public var curve: PerturbationSettings.Curve
    /// The class the scores read.
    public var scoreClass: Int
    /// Pixels changed at each step, `[T]`.
    public var pixelCounts: [Int]
    /// The x-position of each step in `[0, 1]`, `[T]`.
    public var positions: [Double]
    /// The score at each step, `[T]` (1 or 0 for top-1 correctness).
    public var scores: [Double]
    /// The score of the unperturbed image (Chefer's first trapezoid point).
    public var unperturbedScore: Double

    public init(
        curve: PerturbationSettings.Curve, scoreClass: Int, pixelCounts: [Int], positions: [Double],
        scores: [Double], unperturbedScore: Double
    ) {
        self.curve = curve
        self.scoreClass = scoreClass
        self.pixelCounts = pixelCounts
        self.positions = positions
        self.scores = scores
        self.unperturbedScore = unperturbedScore
    }

    /// The curve's area under `rule` (``area(scores:positions:unperturbed:rule:)``).
    public func area(_ rule: PerturbationSettings.Area) -> Double {
        Self.area(scores: scores, positions: positions, unperturbed: unperturbedScore, rule: rule)
    }

    /// The area of a curve `scores` `[T]` sampled at `positions` `[T]`:
    /// - ``PerturbationSettings/Area/trapezoidWithUnperturbedTimes100``: Chefer's `np.trapz(y, x) * 100` with
    ///   `x = [0] + positions`, `y = [unperturbed] + scores` (issues #27/#31 of Transformer-Explainability; the
    ///   point is prepended even when the first step is already 0, where it adds a segment of width 0);
    /// - ``PerturbationSettings/Area/stepMean``: AG-CAM's `sum(scores) / T`;
    /// - ``PerturbationSettings/Area/normalizedTrapezoid``: RISE's `auc`, `(sum - y[0] / 2 - y[-1] / 2) / (T - 1)`,
    ///   the trapezoid over `T` equally spaced points on `[0, 1]` whatever the positions (a single point: its
    ///   value).
    /// An empty curve has area 0.
    public static func area(
        scores: [Double], positions: [Double], unperturbed: Double, rule: PerturbationSettings.Area
    ) -> Double {
        guard let first = scores.first, let last = scores.last else { return 0 }
        switch rule {
        case .trapezoidWithUnperturbedTimes100:
            var sum = 0.0
            var previous = (x: 0.0, y: unperturbed)
            for (position, score) in zip(positions, scores) {
                sum += (position - previous.x) * (score + previous.y) / 2
                previous = (position, score)
            }
            return sum * 100
        case .stepMean:
            return scores.reduce(0, +) / Double(scores.count)
        case .normalizedTrapezoid:
            guard scores.count > 1 else { return first }
            return (scores.reduce(0, +) - first / 2 - last / 2) / Double(scores.count - 1)
        }
    }
}

/// The points where a curve is sampled: how many ranked pixels are changed at each step, `[T]`, and the
/// x-position of each step for areas, `[T]`.
///
/// - `Steps.fractions(p)`: `count = Int(Double(pixelCount) * p)`, Python's `int(224 * 224 * p)` (Chefer's
///   `int(base_size * perturbation_steps[i])`, AG-CAM's `int(50176 * s)`), truncated as float64 arithmetic does;
///   the position is `p`.
/// - `Steps.pixelsPerStep(n)`: RISE's `n_steps = ceil(HW / n)` and `n_steps + 1` points with
///   `count_i = min(i * n, HW)` (`salient_order[:, step * i : step * (i + 1)]` changes at most the remaining
///   pixels); the position is `i / n_steps`, the x-axis RISE plots and its `auc` assumes.
public struct PerturbationSchedule: Sendable, Hashable {
    /// Pixels changed at each step, `[T]`, each in `0...pixelCount`.
    public let pixelCounts: [Int]
    /// The x-position of each step in `[0, 1]`, `[T]`.
    public let positions: [Double]
    /// Pixels of one map (`S * S`).
    public let pixelCount: Int

    /// The schedule of `steps` over a map of `pixelCount` pixels.
    public init(_ steps: PerturbationSettings.Steps, pixelCount: Int) throws(PerturbationError) {
        guard pixelCount > 0 else { throw .noSteps }
        self.pixelCount = pixelCount
        switch steps {
        case .fractions(let fractions):
            guard !fractions.isEmpty else { throw .noSteps }
            for fraction in fractions where !(fraction >= 0 && fraction <= 1) {
                throw .fractionOutOfRange(fraction)
            }
            pixelCounts = fractions.map { Int(Double(pixelCount) * $0) }
            positions = fractions
        case .pixelsPerStep(let pixels):
            guard pixels > 0 else { throw .nonPositiveStep(pixels) }
            let stepCount = (pixelCount + pixels - 1) / pixels
            pixelCounts = (0...stepCount).map { min($0 * pixels, pixelCount) }
            positions = (0...stepCount).map { Double($0) / Double(stepCount) }
        }
    }
}

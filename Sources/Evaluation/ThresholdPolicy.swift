/// How a normalised map becomes a binary foreground mask (one image), or a dataset-optimal sweep.
///
/// Written on the command line and in output rows as:
/// - `otsu` (the default): skimage `threshold_otsu` on `uint8(s * 255)`, foreground `level > T`
///   (evaluation.md §5.2). A constant quantised map has no foreground (skimage's rule; `otsu:opencv` selects
///   OpenCV's threshold 0 instead). Float maps are never fed to Otsu, so skimage's bin-centre behaviour on
///   floats does not arise.
/// - `mean`: Chefer et al. 2021 (`imagenet_seg_eval.py`): foreground `s > mean(s)` on the float map.
/// - `fixed:T`: foreground `s > T` on the float min-max map, e.g. `fixed:0.5` = AG-CAM's `heatmap > 0.5`
///   (methods.md §1.3).
/// - `fixed-of-max:T`: wsolevaluation's binarisation at one threshold, foreground
///   `uint8(s * 255) > int(T * max(uint8(s * 255)))` (evaluation.md §1.3). `fixed-of-max:0.2` is CAM's
///   (Zhou et al. 2016) "20 % of the maximum", which the wsolevaluation maintainers state equals MaxBoxAccV1 at
///   a fixed tau = 0.2 (evaluation.md §1.8).
/// - `sweep:N`: wsolevaluation's `N` thresholds `t_k = k / N`, `k = 0 ..< N` (`np.arange(0, 1, 1 / N)`), each
///   binarised as `fixed-of-max:t_k`; the dataset-optimal threshold is chosen by ``BoxAccuracyAccumulator``
///   and ``PixelAPAccumulator`` from per-threshold counts, not per image.
///
/// All policies give no foreground on an all-zero map (the normalised form of constant and all-NaN maps).
public enum ThresholdPolicy: Sendable, Hashable {
    case otsu(Otsu.ConstantRule)
    case mean
    case fixed(Double)
    case fixedOfMaximum(Double)
    case sweep(Int)

    /// The default policy.
    public static let `default` = ThresholdPolicy.otsu(.skimage)

    /// Parses the command-line form (see the type's documentation).
    /// - Throws: ``EvaluationError/badSetting(_:_:)`` naming the text and the reason.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func number(_ index: Int, in range: ClosedRange<Double>) throws -> Double {
            guard parts.count == index + 1, let value = Double(parts[index]), range.contains(value) else {
                throw EvaluationError.badSetting(text, "expected a number in \(range) after '\(parts[0]):'")
            }
            return value
        }
        switch parts[0] {
        case "otsu":
            if parts.count == 1 {
                self = .otsu(.skimage)
            } else if parts.count == 2, let rule = Otsu.ConstantRule(rawValue: parts[1]) {
                self = .otsu(rule)
            } else {
                throw EvaluationError.badSetting(text, "otsu takes no value or 'skimage' / 'opencv'")
            }
        case "mean" where parts.count == 1: self = .mean
        case "fixed": self = .fixed(try number(1, in: 0...1))
        case "fixed-of-max": self = .fixedOfMaximum(try number(1, in: 0...1))
        case "sweep":
            guard parts.count == 2, let count = Int(parts[1]), (1...100_000).contains(count) else {
                throw EvaluationError.badSetting(text, "expected 'sweep:N' with N in 1...100000")
            }
            self = .sweep(count)
        default:
            throw EvaluationError.badSetting(
                text, "unknown threshold policy (otsu, mean, fixed:T, fixed-of-max:T, sweep:N)")
        }
    }

    /// The command-line form.
    public var name: String {
        switch self {
        case .otsu(let rule): rule == .skimage ? "otsu" : "otsu:opencv"
        case .mean: "mean"
        case .fixed(let value): "fixed:\(value)"
        case .fixedOfMaximum(let value): "fixed-of-max:\(value)"
        case .sweep(let count): "sweep:\(count)"
        }
    }

    /// wsolevaluation's threshold list `np.arange(0, 1, 1 / count)`: `t_k = k * (1 / count)` in float64.
    public static func sweepThresholds(count: Int) -> [Double] {
        let interval = 1 / Double(count)
        // np.arange's length is ceil((stop - start) / step); with step 1 / count that can exceed count by one
        // through rounding, which numpy keeps, so we keep it too.
        let length = Int((1 / interval).rounded(.up))
        return (0..<length).map { Double($0) * interval }
    }

    /// wsolevaluation's integer threshold for ratio `t` on a map whose largest level is `maximum`:
    /// `int(t * max)`.
    public static func levelThreshold(ratio: Double, maximum: Int) -> Int {
        Int((ratio * Double(maximum)).rounded(.towardZero))
    }
}

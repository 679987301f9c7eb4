/// The settings of a perturbation test (pixel removal or insertion ranked by a `[224, 224]` map).
///
/// One struct covers the three references (evaluation.md §4.2, §5.1; methods.md §1.3, §2.6):
/// - Chefer et al. 2021 (`pertubation_eval_from_hdf5.py`): steps 10 % ... 90 %, fill black in `[0, 1]` space,
///   score = top-1 correctness against the label, area = `np.trapz` over `[0, 0.1, ..., 0.9]` with the
///   unperturbed accuracy as the first point, times 100. Positive = MoRF, negative = LeRF.
/// - Leem & Seo 2024 (AG-CAM `ABPC.py`): steps 0 % ... 100 % (11), fill 0 in normalised space (gray 0.5),
///   score = softmax probability of the label, area = plain mean of the 11 steps; ABPC = LeRF minus MoRF.
/// - Petsiuk et al. 2018 (RISE `evaluation.py`): deletion (fill = normalised zero) and insertion (substrate =
///   11x11 Gaussian blur, sigma 5), `step` pixels per iteration, probability of the class predicted on the
///   original image, area = trapezoid with x normalised to `[0, 1]`.
///
/// The number of pixels changed at step fraction `p` is `Int(Double(pixelCount) * p)` (Python's
/// `int(224 * 224 * p)`).
public struct PerturbationSettings: Sendable, Hashable, Codable {
    /// What a removed pixel becomes (all three channels together).
    public enum Fill: String, Sendable, Hashable, Codable, CaseIterable {
        /// 0 in `[0, 1]` image space before normalisation (Chefer 2021).
        case black
        /// 0 in normalised space, i.e. the normalisation mean (mid-gray 0.5 under mean/std 0.5; the ImageNet
        /// mean colour under ImageNet mean/std). AG-CAM's ABPC and RISE deletion.
        case normalizedZero = "normalized-zero"
        /// The dataset's mean colour in `[0, 1]` space (given by the protocol's preprocessing).
        case datasetMean = "dataset-mean"
        /// The image blurred with an `11 x 11` Gaussian, sigma 5, zero padding, per channel (RISE insertion).
        case blur
    }

    /// The ranking order.
    public enum Order: String, Sendable, Hashable, Codable, CaseIterable {
        /// Most relevant first (Chefer "positive", AG-CAM MoRF, RISE deletion/insertion).
        case mostRelevantFirst = "morf"
        /// Least relevant first (Chefer "negative", AG-CAM LeRF).
        case leastRelevantFirst = "lerf"
    }

    /// Whether ranked pixels leave the image or enter the substrate.
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// Start from the image and replace ranked pixels by the fill (Chefer, AG-CAM, RISE deletion).
        case deletion
        /// Start from the fill (substrate) and restore ranked pixels of the image (RISE insertion).
        case insertion
    }

    /// One curve to compute.
    public struct Curve: Sendable, Hashable, Codable {
        public var mode: Mode
        public var order: Order

        public init(mode: Mode, order: Order) {
            self.mode = mode
            self.order = order
        }

        /// Deletion, most relevant first (Chefer's "positive" perturbation, AG-CAM's MoRF).
        public static let deletionMoRF = Curve(mode: .deletion, order: .mostRelevantFirst)
        /// Deletion, least relevant first (Chefer's "negative" perturbation, AG-CAM's LeRF).
        public static let deletionLeRF = Curve(mode: .deletion, order: .leastRelevantFirst)
    }

    /// Where the curve is sampled.
    public enum Steps: Sendable, Hashable, Codable {
        /// Fractions of the pixel count, in order (Chefer: 0.1 ... 0.9; AG-CAM: 0.0 ... 1.0).
        case fractions([Double])
        /// A fixed number of pixels per step, from 0 to all pixels (RISE: 224 per step, `ceil(HW / step) + 1`
        /// points).
        case pixelsPerStep(Int)
    }

    /// What the model output is reduced to at each step.
    public enum Score: String, Sendable, Hashable, Codable, CaseIterable {
        /// 1 when the top-1 class equals ``scoreClass`` (Chefer: the label), else 0.
        case top1Correct = "top1-correct"
        /// Softmax probability of ``scoreClass``.
        case probability
        /// Logit of ``scoreClass``.
        case logit
    }

    /// How a curve becomes one number.
    public enum Area: String, Sendable, Hashable, Codable, CaseIterable {
        /// `np.trapz(y, x) * 100` with the unperturbed point `(0, score of the original image)` prepended to
        /// the steps (Chefer; the maximum is 90 for steps 0.1 ... 0.9).
        case trapezoidWithUnperturbedTimes100 = "trapezoid-x100"
        /// Plain mean of the step values (AG-CAM: sum over 11 steps divided by 11).
        case stepMean = "step-mean"
        /// RISE `auc`: `(sum(y) - y[0] / 2 - y[-1] / 2) / (count - 1)`, x normalised to `[0, 1]`.
        case normalizedTrapezoid = "normalized-trapezoid"
    }

    public var curves: [Curve]
    public var fill: Fill
    public var steps: Steps
    public var score: Score
    /// The class the score reads (Chefer, AG-CAM: the label; RISE: the class predicted on the original).
    public var scoreClass: TargetClass
    /// The class the ranking map explains (Chefer: predicted by default; AG-CAM ABPC: the label).
    public var mapClass: TargetClass
    public var area: Area

    public init(
        curves: [Curve], fill: Fill, steps: Steps, score: Score, scoreClass: TargetClass, mapClass: TargetClass,
        area: Area
    ) {
        self.curves = curves
        self.fill = fill
        self.steps = steps
        self.score = score
        self.scoreClass = scoreClass
        self.mapClass = mapClass
        self.area = area
    }

    /// Chefer et al. 2021: positive (MoRF) and negative (LeRF) perturbation, black fill, 10 % ... 90 %, top-1
    /// correctness against the label, trapezoid area with the unperturbed point, x100; maps of the top class.
    public static let chefer2021 = PerturbationSettings(
        curves: [
            Curve(mode: .deletion, order: .mostRelevantFirst), Curve(mode: .deletion, order: .leastRelevantFirst),
        ],
        fill: .black, steps: .fractions((1...9).map { Double($0) / 10 }), score: .top1Correct, scoreClass: .label,
        mapClass: .predicted, area: .trapezoidWithUnperturbedTimes100)

    /// Leem & Seo 2024 ABPC: MoRF and LeRF, normalised-zero (gray) fill, 0 % ... 100 % in 11 steps, probability
    /// of the label, step mean; maps of the label, all images.
    public static let agc2024 = PerturbationSettings(
        curves: [
            Curve(mode: .deletion, order: .mostRelevantFirst), Curve(mode: .deletion, order: .leastRelevantFirst),
        ],
        fill: .normalizedZero, steps: .fractions((0...10).map { Double($0) / 10 }), score: .probability,
        scoreClass: .label, mapClass: .label, area: .stepMean)

    /// Petsiuk et al. 2018 RISE deletion (normalised-zero fill) and insertion (blur substrate), 224 pixels per
    /// step, probability of the class predicted on the original image, normalised trapezoid.
    public static let rise2018 = PerturbationSettings(
        curves: [
            Curve(mode: .deletion, order: .mostRelevantFirst), Curve(mode: .insertion, order: .mostRelevantFirst),
        ],
        fill: .normalizedZero, steps: .pixelsPerStep(224), score: .probability, scoreClass: .predicted,
        mapClass: .predicted, area: .normalizedTrapezoid)

    /// `key = value` lines describing every setting, for `bench protocols` and output rows.
    public var settingLines: [(key: String, value: String)] {
        let curveNames = curves.map { "\($0.mode.rawValue)-\($0.order.rawValue)" }.joined(separator: ",")
        let stepText: String
        switch steps {
        case .fractions(let fractions):
            stepText = "fractions " + fractions.map { String($0) }.joined(separator: ",")
        case .pixelsPerStep(let pixels):
            stepText = "\(pixels) pixels per step"
        }
        return [
            ("perturbation.curves", curveNames),
            ("perturbation.fill", fill.rawValue),
            ("perturbation.steps", stepText),
            ("perturbation.score", "\(score.rawValue) of \(scoreClass.rawValue)"),
            ("perturbation.map-class", mapClass.rawValue),
            ("perturbation.area", area.rawValue),
        ]
    }
}

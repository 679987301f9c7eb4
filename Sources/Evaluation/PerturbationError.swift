/// Why a perturbation curve could not be computed; every case names the offending value.
public enum PerturbationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The image is not `[C, S, S]` (or `[1, C, S, S]`) for the model's channels and size.
    case imageShape(got: [Int], expected: [Int])
    /// The map is not `[S, S]` at the model's input size.
    case mapShape(got: [Int], expected: [Int])
    /// Given unperturbed logits are not `[K]` (or `[1, K]`) for the model's classes.
    case logitsShape(got: [Int], classes: Int)
    /// The class to score is outside `0..<classes`.
    case classOutOfRange(Int, classes: Int)
    /// `Steps.fractions` with no fraction, or `Steps.pixelsPerStep` over an empty image.
    case noSteps
    /// A step fraction outside `[0, 1]` or not finite.
    case fractionOutOfRange(Double)
    /// `Steps.pixelsPerStep` with zero or fewer pixels.
    case nonPositiveStep(Int)
    /// Normalisation with a zero or non-finite standard deviation.
    case invalidNormalization(String)
    /// The score reads the label and none was given.
    case missingLabel
    /// The model has not 3 channels (fills are defined per RGB channel).
    case unsupportedChannels(Int)

    public var description: String {
        switch self {
        case .imageShape(let got, let expected):
            "perturbation: image of shape \(got), expected \(expected)"
        case .mapShape(let got, let expected):
            "perturbation: map of shape \(got), expected \(expected)"
        case .logitsShape(let got, let classes):
            "perturbation: unperturbed logits of shape \(got), expected [\(classes)]"
        case .classOutOfRange(let index, let classes):
            "perturbation: class \(index) outside 0..<\(classes)"
        case .noSteps:
            "perturbation: no steps"
        case .fractionOutOfRange(let fraction):
            "perturbation: step fraction \(fraction) outside [0, 1]"
        case .nonPositiveStep(let pixels):
            "perturbation: \(pixels) pixels per step (must be positive)"
        case .invalidNormalization(let reason):
            "perturbation: invalid normalisation (\(reason))"
        case .missingLabel:
            "perturbation: the score reads the label, and the image has none"
        case .unsupportedChannels(let channels):
            "perturbation: \(channels)-channel model (fills are defined for RGB)"
        }
    }
}

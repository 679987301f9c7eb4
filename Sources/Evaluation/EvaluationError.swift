/// Typed errors of the evaluator; each names what it refused and why.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting's text (a threshold policy, protocol name, ...) could not be used.
    case badSetting(String, String)
    /// A map and its ground truth disagree in size.
    case sizeMismatch(String)
    /// A dataset-level metric has nothing to compute on (wsolevaluation's PxAP raises in these cases).
    case undefined(String)

    public var description: String {
        switch self {
        case .badSetting(let text, let reason): "bad setting '\(text)': \(reason)"
        case .sizeMismatch(let reason): "size mismatch: \(reason)"
        case .undefined(let reason): "undefined metric: \(reason)"
        }
    }
}

/// Why a method could not produce a map, or why a method list or option could not be read.
public enum ExplainerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input tensor does not fit the model.
    case inputShape(expected: [Int], found: [Int])
    /// The target class is not one of the model's classes.
    case classOutOfRange(Int, classes: Int)
    /// No registered method has this id.
    case unknownMethod(String, known: [String])
    /// A method list that names no method, has an empty item, or lists a method twice.
    case invalidMethodList(list: String, reason: String)
    /// An option the method does not take, or a value it cannot use.
    case invalidOption(method: String, option: String, reason: String)
    /// The method cannot run on this model (for example a start layer beyond the model's depth).
    case unsupportedModel(method: String, reason: String)
    /// A map loaded from disk is missing, unreadable or unusable; `path` names the file.
    case externalMap(path: String, reason: String)

    public var description: String {
        switch self {
        case .inputShape(let expected, let found):
            "input has shape \(found), the model expects \(expected)"
        case .classOutOfRange(let index, let classes):
            "class \(index) is not one of the model's \(classes) classes (0...\(classes - 1))"
        case .unknownMethod(let id, let known):
            "unknown method '\(id)'; known methods: \(known.joined(separator: ", ")) (see `bench methods`)"
        case .invalidMethodList(let list, let reason):
            "method list '\(list)': \(reason)"
        case .invalidOption(let method, let option, let reason):
            "method '\(method)': option '\(option)': \(reason)"
        case .unsupportedModel(let method, let reason):
            "method '\(method)' cannot run on this model: \(reason)"
        case .externalMap(let path, let reason):
            "\(path): \(reason)"
        }
    }
}

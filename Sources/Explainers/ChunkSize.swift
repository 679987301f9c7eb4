/// How many images one forward + backward of a batched pass holds (`batch=` of integrated gradients,
/// SmoothGrad and the attention integral): sized by the context's ``PassMemory``, or a fixed count.
package enum ChunkSize: MethodOptionValue {
    /// As many as fit the run's memory target beside what the context already holds (at least 1).
    case auto
    /// A fixed number of images.
    case images(Int)

    package static func parse(_ text: String, in domain: ClosedRange<Int>) -> ChunkSize? {
        if text == "auto" { return .auto }
        guard let count = Int(text), domain.contains(count) else { return nil }
        return .images(count)
    }

    package static func describe(_ domain: ClosedRange<Int>) -> String {
        "auto or an integer (allowed: \(list(domain)))"
    }

    package static func list(_ domain: ClosedRange<Int>) -> String { "auto, \(domain)" }

    package func isIn(_ domain: ClosedRange<Int>) -> Bool {
        switch self {
        case .auto: true
        case .images(let count): domain.contains(count)
        }
    }

    package var optionText: String {
        switch self {
        case .auto: "auto"
        case .images(let count): "\(count)"
        }
    }
}

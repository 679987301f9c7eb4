/// Why a run directory, a table or a gate comparison could not be read or written.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read, created or written.
    case io(path: String, reason: String)
    /// A run file is not in the expected format (`line` is 1-based).
    case malformed(path: String, line: Int, reason: String)
    /// Runs that cannot be combined or compared (different protocols, conflicting rows for one image).
    case incompatible(String)

    public var description: String {
        switch self {
        case .io(let path, let reason): "\(path): \(reason)"
        case .malformed(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .incompatible(let reason): reason
        }
    }
}

/// Why a run directory, a table or a gate comparison could not be read or written.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read, created or written.
    case io(path: String, reason: String)
    /// A run file is not in the expected format (`line` is 1-based).
    case malformed(path: String, line: Int, reason: String)
    /// Runs that cannot be combined or compared (different protocols, conflicting rows for one image).
    case incompatible(String)
    /// `per_image.csv` at `path` holds complete image blocks whose rows disagree with their seal (a row
    /// deleted or altered inside the file); a reader that cannot evaluate the images again refuses it.
    case damaged(path: String, blocks: [DamagedBlock])

    public var description: String {
        switch self {
        case .io(let path, let reason): "\(path): \(reason)"
        case .malformed(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .incompatible(let reason): reason
        case .damaged(let path, let blocks):
            "\(path): \(blocks.count) damaged image block(s), a row deleted or altered inside the file: "
                + blocks.map(\.description).joined(separator: "; ")
        }
    }
}

/// Why an image could not be read or written.
///
/// Every case names the file (or `"<memory>"` for in-memory data) and a reason, so a dataset run can record
/// the failure in `skipped.csv` and go on.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist or cannot be opened.
    case fileNotFound(path: String)
    /// The bytes are not a PNG or JPEG we recognise.
    case unknownFormat(path: String)
    /// The decoder rejected the data (corrupt, truncated or hostile file).
    case corrupt(path: String, reason: String)
    /// A valid file in a variant this reader does not handle.
    case unsupported(path: String, reason: String)
    /// Encoding or writing failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path): "\(path): file not found"
        case .unknownFormat(let path): "\(path): not a PNG or JPEG file"
        case .corrupt(let path, let reason): "\(path): corrupt image: \(reason)"
        case .unsupported(let path, let reason): "\(path): unsupported image: \(reason)"
        case .writeFailed(let path, let reason): "\(path): cannot write image: \(reason)"
        }
    }

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path), .unknownFormat(let path), .corrupt(let path, _),
            .unsupported(let path, _), .writeFailed(let path, _):
            path
        }
    }
}

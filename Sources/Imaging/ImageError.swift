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
    /// The header declares more pixels than ``ImageDecoder/pixelLimit`` (a decompression bomb, or a huge image
    /// the limit must be raised for); refused before the pixels are allocated.
    case tooManyPixels(path: String, width: Int, height: Int, limit: Int)

    public var description: String {
        switch self {
        case .fileNotFound(let path): "\(path): file not found"
        case .unknownFormat(let path): "\(path): not a PNG or JPEG file"
        case .corrupt(let path, let reason): "\(path): corrupt image: \(reason)"
        case .unsupported(let path, let reason): "\(path): unsupported image: \(reason)"
        case .writeFailed(let path, let reason): "\(path): cannot write image: \(reason)"
        case .tooManyPixels(let path, let width, let height, let limit):
            "\(path): image declares \(width)x\(height) = \(width.multipliedReportingOverflow(by: height).partialValue) "
                + "pixels, more than the limit of \(limit); if the file is trusted, raise the limit with "
                + "--max-image-pixels N"
        }
    }

    /// The file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path), .unknownFormat(let path), .corrupt(let path, _),
            .unsupported(let path, _), .writeFailed(let path, _), .tooManyPixels(let path, _, _, _):
            path
        }
    }
}

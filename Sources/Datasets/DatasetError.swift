import Imaging

/// Why a dataset, or one of its samples, could not be read.
///
/// Each case names the file and the reason. Per-sample failures are yielded by ``Dataset/samples()`` as
/// values so a run records them in `skipped.csv` and keeps going; layout failures (a missing root) are thrown
/// when the dataset is opened.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file or folder the layout requires is absent.
    case missingFile(path: String)
    /// The dataset root does not have the expected layout.
    case invalidLayout(path: String, reason: String)
    /// An annotation, list or metadata file cannot be parsed.
    case malformedAnnotation(path: String, reason: String)
    /// An annotation names a class the dataset does not have.
    case unknownClass(path: String, name: String)
    /// A box lies outside the image or has min > max.
    case boxOutsideImage(path: String, box: String, width: Int, height: Int)
    /// A ground-truth mask has no foreground pixel for the sample's class.
    case emptyMask(path: String)
    /// A mask's size differs from its image's.
    case sizeMismatch(path: String, expected: String, found: String)
    /// The image (or a mask image) cannot be decoded.
    case image(ImageError)

    public var description: String {
        switch self {
        case .missingFile(let path): "\(path): missing file"
        case .invalidLayout(let path, let reason): "\(path): invalid dataset layout: \(reason)"
        case .malformedAnnotation(let path, let reason): "\(path): malformed annotation: \(reason)"
        case .unknownClass(let path, let name): "\(path): unknown class '\(name)'"
        case .boxOutsideImage(let path, let box, let width, let height):
            "\(path): box \(box) outside the \(width)x\(height) image"
        case .emptyMask(let path): "\(path): ground-truth mask is empty"
        case .sizeMismatch(let path, let expected, let found): "\(path): size \(found), expected \(expected)"
        case .image(let error): error.description
        }
    }

    /// The file the error is about.
    public var path: String {
        switch self {
        case .missingFile(let path), .invalidLayout(let path, _), .malformedAnnotation(let path, _),
            .unknownClass(let path, _), .boxOutsideImage(let path, _, _, _), .emptyMask(let path),
            .sizeMismatch(let path, _, _):
            path
        case .image(let error): error.path
        }
    }

    /// A short machine-readable kind for CSV reports (`missing-file`, `corrupt-image`, ...).
    public var kind: String {
        switch self {
        case .missingFile: "missing-file"
        case .invalidLayout: "invalid-layout"
        case .malformedAnnotation: "malformed-annotation"
        case .unknownClass: "unknown-class"
        case .boxOutsideImage: "box-outside-image"
        case .emptyMask: "empty-mask"
        case .sizeMismatch: "size-mismatch"
        case .image(.fileNotFound): "missing-file"
        case .image: "corrupt-image"
        }
    }
}

/// A sample that could not be read, with its id when known.
public struct SampleFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The sample id (for example `2007_000027`).
    public let sampleID: String
    public let error: DatasetError

    public init(sampleID: String, error: DatasetError) {
        self.sampleID = sampleID
        self.error = error
    }

    public var description: String { "\(sampleID): \(error)" }
}

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
    /// A mask's size differs from its image's (the image's decoded size, or its header's or annotation's size
    /// when the mask is read on its own).
    case maskSizeMismatch(
        maskPath: String, maskWidth: Int, maskHeight: Int, imagePath: String, imageWidth: Int, imageHeight: Int)
    /// The decoded image's size differs from the size its annotation declares.
    case declaredSizeMismatch(
        annotationPath: String, declaredWidth: Int, declaredHeight: Int, imagePath: String, width: Int, height: Int)
    /// A line of a split list (a list of sample ids) holds an id that is repeated or would leave its folder.
    case badSplitID(path: String, line: Int, id: String, reason: String)
    /// A path that must be a folder (a dataset root) is a file.
    case notAFolder(path: String)
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
        case .maskSizeMismatch(
            let maskPath, let maskWidth, let maskHeight, let imagePath, let imageWidth, let imageHeight):
            "\(maskPath): mask is \(maskWidth)x\(maskHeight) but its image \(imagePath) is \(imageWidth)x\(imageHeight)"
        case .declaredSizeMismatch(
            let annotationPath, let declaredWidth, let declaredHeight, let imagePath, let width, let height):
            "\(annotationPath): annotation declares \(declaredWidth)x\(declaredHeight) but its image \(imagePath) "
                + "is \(width)x\(height)"
        case .badSplitID(let path, let line, let id, let reason): "\(path): line \(line): id '\(id)' \(reason)"
        case .notAFolder(let path): "\(path): is a file, not a folder (a dataset root must be a folder)"
        case .image(let error): error.description
        }
    }

    /// The file the error is about.
    public var path: String {
        switch self {
        case .missingFile(let path), .invalidLayout(let path, _), .malformedAnnotation(let path, _),
            .unknownClass(let path, _), .boxOutsideImage(let path, _, _, _), .emptyMask(let path),
            .sizeMismatch(let path, _, _), .maskSizeMismatch(let path, _, _, _, _, _),
            .declaredSizeMismatch(let path, _, _, _, _, _), .badSplitID(let path, _, _, _), .notAFolder(let path):
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
        case .sizeMismatch, .maskSizeMismatch, .declaredSizeMismatch: "size-mismatch"
        case .badSplitID: "bad-split-id"
        case .notAFolder: "not-a-folder"
        case .image(.fileNotFound): "missing-file"
        case .image(.tooManyPixels): "image-too-large"
        case .image: "corrupt-image"
        }
    }
}

/// A sample that could not be read, with its id when known.
public struct SampleFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// What a failure is about, which decides whether a run skips the sample.
    public enum Stage: String, Equatable, Sendable {
        /// The annotation or the image: every run skips the sample.
        case image
        /// Only the semantic mask: runs whose protocol's ground truth uses masks skip the sample; runs scored
        /// against boxes still score it.
        case segmentationMask = "segmentation-mask"
        /// Only the instance mask, which no run reads: runs still score the sample.
        case instanceMask = "instance-mask"
    }

    /// The sample id (for example `2007_000027`).
    public let sampleID: String
    public let error: DatasetError
    /// What the failure is about.
    public let stage: Stage

    public init(sampleID: String, error: DatasetError, stage: Stage = .image) {
        self.sampleID = sampleID
        self.error = error
        self.stage = stage
    }

    public var description: String { "\(sampleID): \(error)" }

    /// For a mask failure, what it means for a run (empty for ``Stage/image``).
    public var runNote: String {
        switch stage {
        case .image: ""
        case .segmentationMask: "(runs skip it when the protocol's ground truth uses masks; boxes-only runs score it)"
        case .instanceMask: "(an instance mask: runs do not read it and still score the image)"
        }
    }
}

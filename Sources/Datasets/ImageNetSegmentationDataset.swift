import Foundation
import Imaging

/// ImageNet-Segmentation (Guillaumin, Küttel, Ferrari, IJCV 2014) read from `gtsegs_ijcv.mat` as Chefer et al.
/// read it for their segmentation test (hila-chefer/Transformer-Explainability, `baselines/ViT/data/Imagenet.py`,
/// `Imagenet_Segmentation`): 4,276 images with binary foreground masks.
///
/// The file is a MATLAB v7.3 MAT-file, i.e. HDF5 after a 512-byte MATLAB user block, opened with libhdf5
/// (``HDF5File``). `/value/img` and `/value/gt` are (N, 1) datasets of object references (MATLAB cells):
///
/// * image `i`: `img[i, 0]` -> uint8 dataset of HDF5 shape `[3, W, H]` (MATLAB's column-major H x W x 3).
///   Chefer: `np.array(f[f['/value/img'][i, 0]]).transpose((2, 1, 0))` -> `[H, W, 3]` RGB, so
///   `pixel(y, x, c) = stored[c, x, y]`. `Image.fromarray(...).convert('RGB')` leaves uint8 RGB unchanged.
/// * mask `i`: `gt[i, 0]` -> a 1x1 cell whose `[0, 0]` -> uint8 dataset of HDF5 shape `[W, H]`.
///   Chefer: `np.array(f[f[f['/value/gt'][i, 0]][0, 0]]).transpose((1, 0))` -> `[H, W]`, values 0/1 kept as
///   stored (no binarisation), so ``SegmentationMask/Encoding/foreground`` with no void value.
///
/// `count` is the number of rows of `/value/img` (Chefer's `len(f['/value/img'])`). There are no class labels:
/// Chefer explains the model's predicted class, so `labels` is empty and ``classNames`` is `[]`; a
/// ``SegmentationMask/Encoding/foreground`` mask ignores the class index anyway. A grayscale (2-D) image would
/// make Chefer's `transpose((2, 1, 0))` fail; here it is a per-sample ``DatasetError/image(_:)`` error.
///
/// The HDF5 file stays open for the dataset's lifetime (closed when the last copy goes away); images and masks
/// are read on demand, from any thread (``HDF5File`` serialises libhdf5 calls).
public struct ImageNetSegmentationDataset: Dataset {
    /// The file name looked for when the root is a directory.
    public static let fileName = "gtsegs_ijcv.mat"
    /// HDF5 path of the image cell array.
    static let imageTable = "/value/img"
    /// HDF5 path of the mask cell array.
    static let maskTable = "/value/gt"

    public let name = "imagenet-seg"
    /// The file is one set, used as a test set by Chefer et al.
    public let split = "test"
    /// Empty: the dataset has no class labels (see the type's documentation).
    public let classNames: [String] = []
    public let count: Int
    /// The `.mat` file that was opened.
    public let filePath: String
    private let file: HDF5File

    /// Opens `gtsegs_ijcv.mat` and reads the number of samples.
    /// - Parameter root: the directory containing `gtsegs_ijcv.mat`, or the path of the file itself.
    /// - Throws: ``DatasetError/missingFile(path:)`` when the file is absent;
    ///   ``DatasetError/invalidLayout(path:reason:)`` when it is not HDF5, or `/value/img` or `/value/gt` is
    ///   missing, is not an (N, 1)-like reference array, or the two differ in length.
    public init(root: String) throws(DatasetError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw .missingFile(path: root)
        }
        let filePath = isDirectory.boolValue ? (root as NSString).appendingPathComponent(Self.fileName) : root
        guard FileManager.default.fileExists(atPath: filePath) else { throw .missingFile(path: filePath) }
        self.filePath = filePath
        do {
            file = try HDF5File(path: filePath)
        } catch {
            throw .invalidLayout(path: filePath, reason: "not a readable HDF5 (MATLAB v7.3) file: \(error)")
        }
        let images: (rows: Int, columns: Int)
        let masks: (rows: Int, columns: Int)
        do {
            images = try file.referenceTableShape(Self.imageTable)
            masks = try file.referenceTableShape(Self.maskTable)
        } catch {
            throw .invalidLayout(path: filePath, reason: error.description)
        }
        guard images.columns >= 1, masks.columns >= 1 else {
            throw .invalidLayout(path: filePath, reason: "\(Self.imageTable) or \(Self.maskTable) has no column")
        }
        guard images.rows == masks.rows else {
            throw .invalidLayout(
                path: filePath,
                reason: "\(Self.imageTable) has \(images.rows) entries but \(Self.maskTable) has \(masks.rows)")
        }
        count = images.rows
    }

    /// `imagenet-seg-00000`, ...: the 0-based index in the file, zero-padded to five digits.
    public func sampleID(at index: Int) -> String {
        let digits = String(index)
        return "imagenet-seg-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Checks that sample `index` resolves to an RGB image and a mask of the same size (reading only the HDF5
    /// metadata) and returns loaders for both.
    /// - Throws: ``DatasetError/image(_:)`` for an image that is not uint8 `[3, W, H]`;
    ///   ``DatasetError/malformedAnnotation(path:reason:)`` for a dangling reference or a mask that is not
    ///   uint8 `[W, H]`; ``DatasetError/sizeMismatch(path:expected:found:)`` when the sizes differ.
    public func sample(at index: Int) throws(DatasetError) -> Sample {
        guard index >= 0, index < count else {
            throw .malformedAnnotation(path: filePath, reason: "sample index \(index) outside 0..<\(count)")
        }
        let imageShape: [Int]
        do {
            imageShape = try file.referencedShape(table: Self.imageTable, row: index)
        } catch {
            throw .image(.corrupt(path: filePath, reason: error.description))
        }
        guard imageShape.count == 3, imageShape[0] == 3 else {
            throw .image(
                .unsupported(
                    path: filePath,
                    reason: "\(Self.imageTable)[\(index)] has HDF5 shape \(imageShape), expected [3, W, H]"))
        }
        let width = imageShape[1]
        let height = imageShape[2]
        guard width > 0, height > 0 else {
            throw .image(.corrupt(path: filePath, reason: "\(Self.imageTable)[\(index)] is empty"))
        }
        do {
            try ImageDecoder.checkPixelCount(
                width: width, height: height, path: "\(filePath) \(Self.imageTable)[\(index)]")
        } catch {
            throw .image(error)
        }
        let maskShape: [Int]
        do {
            maskShape = try file.referencedShape(table: Self.maskTable, row: index, extraHops: 1)
        } catch {
            throw .malformedAnnotation(path: filePath, reason: error.description)
        }
        guard maskShape.count == 2 else {
            throw .malformedAnnotation(
                path: filePath,
                reason: "\(Self.maskTable)[\(index)] has HDF5 shape \(maskShape), expected [W, H]")
        }
        guard maskShape[0] == width, maskShape[1] == height else {
            throw .sizeMismatch(
                path: filePath, expected: "\(width)x\(height)", found: "mask \(maskShape[0])x\(maskShape[1])")
        }
        let file = self.file
        let filePath = self.filePath
        return Sample(
            id: sampleID(at: index),
            imagePath: nil,
            image: Lazy { try Self.loadImage(file: file, path: filePath, row: index, width: width, height: height) },
            declaredSize: (width, height),
            labels: [],
            segmentation: Lazy {
                try Self.loadMask(file: file, path: filePath, row: index, width: width, height: height)
            })
    }
}

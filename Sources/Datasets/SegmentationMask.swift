import Imaging

/// A per-pixel ground-truth mask with an explicit ignore (void) region, shape `[height, width]`.
public struct SegmentationMask: Equatable, Sendable {
    /// What the pixel values mean.
    public enum Encoding: Equatable, Sendable {
        /// Pascal VOC `SegmentationClass`: 0 = background, `k` in 1...C = dataset class `k - 1`.
        case classIndexPlusOne
        /// A binary foreground mask (1 = object) for the sample's own class (CUB, ImageNet-Segmentation,
        /// OpenImages, folder masks).
        case foreground
        /// Instance ids (VOC `SegmentationObject`): 0 = background, `k` = the k-th annotated object.
        case instanceIndexPlusOne
    }

    public let width: Int
    public let height: Int
    /// Values as described by ``encoding``; void pixels hold 255.
    public let values: GrayImage
    /// `true` where the pixel is void and must be ignored by metrics.
    public let ignore: [Bool]
    public let encoding: Encoding

    /// Wraps a value image; pixels equal to `voidValue` (VOC's 255) become the ignore mask.
    public init(values: GrayImage, encoding: Encoding, voidValue: UInt8? = 255, extraIgnore: [Bool]? = nil) {
        self.width = values.width
        self.height = values.height
        self.values = values
        self.encoding = encoding
        var ignore = [Bool](repeating: false, count: values.values.count)
        if let voidValue {
            for index in ignore.indices where values.values[index] == voidValue { ignore[index] = true }
        }
        if let extraIgnore, extraIgnore.count == ignore.count {
            for index in ignore.indices where extraIgnore[index] { ignore[index] = true }
        }
        self.ignore = ignore
    }

    /// The binary mask of one class: `true` where the pixel belongs to `classIndex` (and is not void).
    /// For a ``Encoding/foreground`` mask every non-zero, non-void pixel counts, whatever the class.
    public func foreground(classIndex: Int) -> [Bool] {
        var mask = [Bool](repeating: false, count: values.values.count)
        switch encoding {
        case .classIndexPlusOne:
            let target = classIndex + 1
            for index in mask.indices where !ignore[index] && Int(values.values[index]) == target {
                mask[index] = true
            }
        case .foreground, .instanceIndexPlusOne:
            for index in mask.indices where !ignore[index] && values.values[index] != 0 { mask[index] = true }
        }
        return mask
    }

    /// Number of void pixels.
    public var ignoredPixelCount: Int { ignore.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

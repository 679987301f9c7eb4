import Datasets

/// The ground truth of one image at map resolution: a foreground mask with an ignore region and, when the
/// dataset has boxes, the target class's boxes.
public struct GroundTruth: Sendable {
    public let width: Int
    public let height: Int
    /// `height * width`: 1 where the target class is.
    public var foreground: BinaryMask
    /// `height * width`: 1 where the pixel is void and excluded from pixel metrics (VOC 255, OpenImages ignore).
    public var ignore: BinaryMask
    /// The target class's boxes, scaled to the map (empty for mask-only datasets).
    public var boxes: [PixelBox]
    /// Whether ``foreground`` is a segmentation mask rather than filled boxes: pixel metrics that need a real
    /// mask (wsolevaluation's PxAP) use only such images.
    public var isSegmentation: Bool

    public init(foreground: BinaryMask, ignore: BinaryMask? = nil, boxes: [PixelBox] = [], isSegmentation: Bool = false)
    {
        self.width = foreground.width
        self.height = foreground.height
        self.foreground = foreground
        self.ignore = ignore ?? BinaryMask(width: foreground.width, height: foreground.height)
        self.boxes = boxes
        self.isSegmentation = isSegmentation
    }

    /// AG-CAM's box ground truth (methods.md §1.3): every target-class box scaled with `scaling`, their union
    /// filled with inclusive pixels `mask[y0:y1 + 1, x0:x1 + 1] = 1` (numpy clipping), no ignore region.
    public static func boxes(
        _ boxes: [BoundingBox], imageWidth: Int, imageHeight: Int, mapWidth: Int, mapHeight: Int,
        scaling: BoxScaling
    ) -> GroundTruth {
        var mask = BinaryMask(width: mapWidth, height: mapHeight)
        let scaled = boxes.map {
            scaling.scale($0, width: imageWidth, height: imageHeight, targetWidth: mapWidth, targetHeight: mapHeight)
        }
        for box in scaled { mask.fill(box) }
        return GroundTruth(foreground: mask, boxes: scaled)
    }

    /// The segmentation ground truth of `classIndex` from a mask already at map resolution (resize it with
    /// nearest neighbour first, as Chefer's `Resize((224, 224), NEAREST)`); void pixels go to ``ignore``.
    /// - Throws: ``EvaluationError/sizeMismatch(_:)`` when the mask is not `mapWidth x mapHeight`.
    public static func segmentation(
        _ mask: SegmentationMask, classIndex: Int, mapWidth: Int, mapHeight: Int, boxes: [PixelBox] = []
    ) throws -> GroundTruth {
        guard mask.width == mapWidth, mask.height == mapHeight else {
            throw EvaluationError.sizeMismatch(
                "mask is \(mask.width)x\(mask.height), map is \(mapWidth)x\(mapHeight)")
        }
        return GroundTruth(
            foreground: BinaryMask(width: mapWidth, height: mapHeight, flags: mask.foreground(classIndex: classIndex)),
            ignore: BinaryMask(width: mapWidth, height: mapHeight, flags: mask.ignore), boxes: boxes,
            isSegmentation: true)
    }
}

import Datasets
import Evaluation
import Imaging

/// Brings a sample's annotations to the map's frame under a protocol's ground-truth policy.
///
/// Every protocol evaluates at `mapSize x mapSize` after a squash resize of the whole image (the papers'
/// `Resize((224, 224))`), so masks are resized by the protocol's ``MaskResampling`` (Pillow's `NEAREST` as
/// Chefer's `Resize((224, 224), Image.NEAREST)` on the mask image, OpenCV's `INTER_NEAREST` as wsolevaluation)
/// and boxes are scaled by the protocol's ``BoxScaling`` rule. Void pixels (VOC 255, OpenImages ignore masks) stay void.
package enum GroundTruthBuilder {
    /// The ground truth of `classIndex` in `sample` at `mapSize`, or nil when the policy needs something the
    /// sample does not have (a mask under `.segmentation`, any annotation at all).
    /// - Parameters:
    ///   - segmentation: the sample's semantic mask as already loaded and checked (``PreparedSample/segmentation``,
    ///     from ``Sample/validated(against:masks:)``), or `nil` when it has none; the mask is never decoded here.
    ///   - imageSize: the decoded image's size (boxes are scaled against it).
    package static func groundTruth(
        for sample: Sample, segmentation: SegmentationMask?, classIndex: Int, imageSize: (width: Int, height: Int),
        evaluation: EvaluationProtocol
    ) throws -> GroundTruth? {
        try groundTruth(
            for: sample, segmentation: segmentation, classIndices: [classIndex], imageSize: imageSize,
            evaluation: evaluation)
    }

    /// The ground truth of the classes `classIndices` united (their mask pixels, or all their boxes), as
    /// ``LabelRule/everyLabel`` scores an image with several labels; one class gives that class's ground truth.
    /// Nil as for one class, and for no class.
    public static func groundTruth(
        for sample: Sample, segmentation: SegmentationMask?, classIndices: [Int],
        imageSize: (width: Int, height: Int), evaluation: EvaluationProtocol
    ) throws -> GroundTruth? {
        guard let firstClass = classIndices.first else { return nil }
        let size = evaluation.mapSize
        let classes = Set(classIndices)
        let boxes = sample.objects.filter { classes.contains($0.classIndex) }.compactMap(\.box)
        let useMask: Bool
        switch evaluation.groundTruth {
        case .segmentation:
            guard segmentation != nil else { return nil }
            useMask = true
        case .segmentationElseBoxes:
            useMask = segmentation != nil
        case .boxes:
            useMask = false
        }
        let scaledBoxes = boxes.map {
            evaluation.boxScaling.scale(
                $0, width: imageSize.width, height: imageSize.height, targetWidth: size, targetHeight: size)
        }
        if useMask, let mask = segmentation {
            let resizedMask = resized(mask, to: size, resampling: evaluation.maskResampling)
            var truth = try GroundTruth.segmentation(
                resizedMask, classIndex: firstClass, mapWidth: size, mapHeight: size, boxes: scaledBoxes)
            for other in classes.subtracting([firstClass]) {
                for (pixel, isClass) in resizedMask.foreground(classIndex: other).enumerated() where isClass {
                    truth.foreground.bits[pixel] = 1
                }
            }
            return truth
        }
        guard !boxes.isEmpty else { return nil }
        return GroundTruth.boxes(
            boxes, imageWidth: imageSize.width, imageHeight: imageSize.height, mapWidth: size, mapHeight: size,
            scaling: evaluation.boxScaling)
    }

    /// `mask` resized to `size x size` by `resampling`, its ignore region with it (nearest-neighbour sampling
    /// picks the same source pixel for both).
    static func resized(_ mask: SegmentationMask, to size: Int, resampling: MaskResampling) -> SegmentationMask {
        if mask.width == size && mask.height == size { return mask }
        func resize(_ image: GrayImage) -> GrayImage {
            switch resampling {
            case .pillowNearest: image.resized(width: size, height: size, filter: .nearest)
            case .openCVNearest: image.resizedNearestOpenCV(width: size, height: size)
            }
        }
        let values = resize(mask.values)
        let ignoreImage = GrayImage(width: mask.width, height: mask.height, values: mask.ignore.map { $0 ? 255 : 0 })
        let ignore = resize(ignoreImage).values.map { $0 != 0 }
        return SegmentationMask(values: values, encoding: mask.encoding, voidValue: nil, extraIgnore: ignore)
    }
}

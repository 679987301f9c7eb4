import Datasets
import Imaging
import Tensor

/// A sample decoded and preprocessed ahead of the model (on the prefetch thread), or why it could not be.
public struct PreparedSample: Sendable {
    public var index: Int
    public var sample: Sample
    /// The decoded image's size, against which boxes are scaled.
    public var imageSize: (width: Int, height: Int)
    /// The preprocessed image, `[1, C, S, S]`.
    public var input: Tensor
    /// The model-resolution RGB image (for overlays).
    public var resized: RGBImage
    /// The semantic mask, loaded and checked against the decoded image on the prefetch thread
    /// (``Sample/validated(against:masks:)``); `nil` when the sample has none or the protocol's ground truth does
    /// not use masks. ``GroundTruthBuilder`` scores with it and never decodes the mask again.
    public var segmentation: SegmentationMask?

    public init(
        index: Int, sample: Sample, imageSize: (width: Int, height: Int), input: Tensor, resized: RGBImage,
        segmentation: SegmentationMask? = nil
    ) {
        self.index = index
        self.sample = sample
        self.imageSize = imageSize
        self.input = input
        self.resized = resized
        self.segmentation = segmentation
    }
}

/// A sample that could not be read or decoded, with the file and the reason.
public struct SampleProblem: Error, Sendable {
    public var index: Int
    public var imageID: String
    public var path: String
    public var reason: String
}

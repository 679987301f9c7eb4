import Datasets
import Imaging
import Tensor

/// A sample decoded and preprocessed ahead of the model (on the prefetch thread), or why it could not be.
package struct PreparedSample: Sendable {
    package var index: Int
    package var sample: Sample
    /// The decoded image's size, against which boxes are scaled.
    package var imageSize: (width: Int, height: Int)
    /// The preprocessed image, `[1, C, S, S]`.
    package var input: Tensor
    /// The model-resolution RGB image (for overlays).
    package var resized: RGBImage
    /// The semantic mask, loaded and checked against the decoded image on the prefetch thread
    /// (``Sample/validated(against:masks:)``); `nil` when the sample has none or the protocol's ground truth does
    /// not use masks. ``GroundTruthBuilder`` scores with it and never decodes the mask again.
    package var segmentation: SegmentationMask?

    package init(
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
package struct SampleProblem: Error, Sendable {
    package var index: Int
    package var imageID: String
    package var path: String
    package var reason: String
}

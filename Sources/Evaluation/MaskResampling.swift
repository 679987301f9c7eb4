/// How a protocol brings a segmentation mask to the map size: the reference codes differ.
public enum MaskResampling: String, Sendable, Hashable, CaseIterable {
    /// Pillow's `NEAREST` (pixel centres), as Chefer's `imagenet_seg_eval.py` resizes the mask image with
    /// torchvision's `Resize((224, 224), Image.NEAREST)`.
    case pillowNearest = "pillow-nearest"
    /// OpenCV's `INTER_NEAREST` (`floor(i * source / target)` by a reciprocal scale), as wsolevaluation's
    /// `load_mask_image` resizes every mask and ignore mask.
    case openCVNearest = "opencv-nearest"
}

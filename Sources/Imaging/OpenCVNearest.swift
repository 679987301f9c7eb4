/// OpenCV's nearest-neighbour resize, `cv2.resize(image, (width, height), interpolation=cv2.INTER_NEAREST)`,
/// as wsolevaluation applies it to every mask (`evaluation.py` `load_mask_image`).
///
/// OpenCV's `resizeNN` samples source pixel `min(floor(i * ifx), source - 1)` for target pixel `i`, with
/// `ifx = 1 / (target / source)` computed in double (the reciprocal of the scale, not `source / target`: the two
/// round differently when `i * source / target` is an integer, and the fixtures show OpenCV's form). Pillow's
/// NEAREST samples the pixel centres instead, `floor((i + 0.5) * source / target)`, so the two pick different
/// rows and columns whenever the sizes differ.
public enum OpenCVNearest {
    /// The source index OpenCV samples for each of `target` indices along an axis of `source` pixels.
    public static func sourceIndices(source: Int, target: Int) -> [Int] {
        let inverseScale = 1.0 / (Double(target) / Double(source))
        return (0..<target).map { index in min(Int((Double(index) * inverseScale).rounded(.down)), source - 1) }
    }
}

extension GrayImage {
    /// The image resized as ``OpenCVNearest`` (OpenCV's `INTER_NEAREST`); both sizes > 0.
    public func resizedNearestOpenCV(width targetWidth: Int, height targetHeight: Int) -> GrayImage {
        let columns = OpenCVNearest.sourceIndices(source: width, target: targetWidth)
        let rows = OpenCVNearest.sourceIndices(source: height, target: targetHeight)
        var output = [UInt8](repeating: 0, count: targetWidth * targetHeight)
        for (y, sourceRow) in rows.enumerated() {
            let base = sourceRow * width
            for (x, sourceColumn) in columns.enumerated() { output[y * targetWidth + x] = values[base + sourceColumn] }
        }
        return GrayImage(width: targetWidth, height: targetHeight, values: output)
    }
}

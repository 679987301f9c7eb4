import Imaging

extension VOCDataset {
    /// Reads a VOC mask PNG as palette indices (never colours), shape `[height, width]`, 255 = void (ignored).
    ///
    /// VOC masks are 8-bit palette PNGs; 8-bit gray PNGs holding the same indices are accepted too (some
    /// converters write them). Any other colour type is rejected, because its first channel is not an index.
    /// - Parameters:
    ///   - path: the PNG.
    ///   - imagePath: the mask's image, named in a size mismatch.
    ///   - width: the width declared by the XML's `size`; the mask must match.
    ///   - height: the declared height.
    ///   - encoding: `.classIndexPlusOne` for `SegmentationClass`, `.instanceIndexPlusOne` for
    ///     `SegmentationObject`.
    ///   - largestValue: the largest valid non-void value (20 classes, or the number of `<object>` elements).
    /// - Throws: ``DatasetError/missingFile(path:)``, ``DatasetError/image(_:)`` for an undecodable PNG,
    ///   ``DatasetError/maskSizeMismatch(maskPath:maskWidth:maskHeight:imagePath:imageWidth:imageHeight:)``,
    ///   ``DatasetError/malformedAnnotation(path:reason:)``
    ///   for a non-index colour type or a value above `largestValue` other than 255.
    static func loadMask(
        path: String, imagePath: String, width: Int, height: Int, encoding: SegmentationMask.Encoding,
        largestValue: Int
    ) throws -> SegmentationMask {
        let png: PNGImage
        do {
            png = try PNGCodec.decode(contentsOf: path)
        } catch ImageError.fileNotFound(let missing) {
            throw DatasetError.missingFile(path: missing)
        } catch let error as ImageError {
            throw DatasetError.image(error)
        }
        guard png.colorType == .palette || (png.colorType == .gray && png.bitDepth == 8) else {
            throw DatasetError.malformedAnnotation(
                path: path, reason: "mask PNG has colour type \(png.colorType), expected palette indices")
        }
        guard png.width == width, png.height == height else {
            throw DatasetError.maskSizeMismatch(
                maskPath: path, maskWidth: png.width, maskHeight: png.height, imagePath: imagePath, imageWidth: width,
                imageHeight: height)
        }
        let indices = png.indices()
        let limit = UInt8(clamping: largestValue)
        if let offender = indices.values.firstIndex(where: { $0 > limit && $0 != 255 }) {
            let value = indices.values[offender]
            throw DatasetError.malformedAnnotation(
                path: path,
                reason: "value \(value) at (x \(offender % width), y \(offender / width)) is neither 0...\(limit) "
                    + "nor void 255")
        }
        return SegmentationMask(values: indices, encoding: encoding)
    }
}

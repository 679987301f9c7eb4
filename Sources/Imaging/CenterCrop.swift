/// torchvision's `transforms.CenterCrop(size)` for PIL images.
///
/// From `torchvision.transforms.functional.center_crop` (torchvision 0.29):
/// - when the crop is larger than the image along a side, the image is first zero-padded by
///   `(crop - size) // 2` before and `(crop - size + 1) // 2` after (PIL fill 0);
/// - then `top = int(round((height - cropHeight) / 2.0))` and the same for `left`, where Python's `round`
///   rounds half to even (so an odd margin of 151 gives 76, of 25 gives 12).
public struct CenterCrop: Equatable, Sendable {
    /// The crop's height in pixels.
    public let height: Int
    /// The crop's width in pixels.
    public let width: Int

    /// A `height x width` crop (> 0 each).
    public init(height: Int, width: Int) {
        precondition(height > 0 && width > 0, "CenterCrop: size must be positive")
        self.height = height
        self.width = width
    }

    /// A square crop, as `CenterCrop(224)`.
    public init(size: Int) {
        self.init(height: size, width: size)
    }

    /// Where the crop starts along one axis of length `length`: padding before, then the offset into the
    /// padded axis.
    static func placement(length: Int, crop: Int) -> (padding: Int, offset: Int) {
        let padding = crop > length ? (crop - length) / 2 : 0
        let padded = crop > length ? length + padding + (crop - length + 1) / 2 : length
        let margin = Double(padded - crop) / 2
        return (padding, Int(margin.rounded(.toNearestOrEven)))
    }

    /// The crop's top-left corner in the original image's coordinates, for a `width x height` image; negative
    /// when the crop pads.
    public func origin(imageWidth: Int, imageHeight: Int) -> (x: Int, y: Int) {
        let vertical = Self.placement(length: imageHeight, crop: height)
        let horizontal = Self.placement(length: imageWidth, crop: width)
        return (horizontal.offset - horizontal.padding, vertical.offset - vertical.padding)
    }

    /// Crops interleaved samples, shape `[imageHeight, imageWidth, channels]` to `[height, width, channels]`;
    /// pixels outside the image are 0.
    func apply(_ samples: [UInt8], imageWidth: Int, imageHeight: Int, channels: Int) -> [UInt8] {
        let origin = origin(imageWidth: imageWidth, imageHeight: imageHeight)
        var output = [UInt8](repeating: 0, count: height * width * channels)
        let firstColumn = max(0, -origin.x)
        let lastColumn = min(width, imageWidth - origin.x)
        guard firstColumn < lastColumn else { return output }
        let runLength = (lastColumn - firstColumn) * channels
        for y in 0..<height {
            let sourceRow = y + origin.y
            guard sourceRow >= 0 && sourceRow < imageHeight else { continue }
            let from = (sourceRow * imageWidth + origin.x + firstColumn) * channels
            let to = (y * width + firstColumn) * channels
            output.replaceSubrange(to..<(to + runLength), with: samples[from..<(from + runLength)])
        }
        return output
    }

    /// The centre crop of `image`.
    public func apply(_ image: RGBImage) -> RGBImage {
        RGBImage(
            width: width, height: height,
            pixels: apply(image.pixels, imageWidth: image.width, imageHeight: image.height, channels: 3))
    }

    /// The centre crop of a single-channel image (a mask or a gray picture).
    public func apply(_ image: GrayImage) -> GrayImage {
        GrayImage(
            width: width, height: height,
            values: apply(image.values, imageWidth: image.width, imageHeight: image.height, channels: 1))
    }
}

/// A PNG as stored in the file: samples at their own bit depth, palette indices not expanded.
///
/// Conversions to RGB follow Pillow's `Image.open(...).convert("RGB")`; masks (VOC `SegmentationClass`)
/// are read with ``indices()``, which returns palette indices, never colours.
public struct PNGImage: Equatable, Sendable {
    /// PNG colour types (the IHDR values).
    public enum ColorType: Int, Sendable {
        case gray = 0
        case rgb = 2
        case palette = 3
        case grayAlpha = 4
        case rgba = 6
    }

    /// The samples, one per channel per pixel, row-major interleaved.
    public enum Samples: Equatable, Sendable {
        /// Bit depths 1, 2, 4 and 8, one byte per sample, values as stored (a 2-bit sample is 0...3).
        case eight([UInt8])
        /// Bit depth 16.
        case sixteen([UInt16])
    }

    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The colour type from the header.
    public let colorType: ColorType
    /// 1, 2, 4, 8 or 16.
    public let bitDepth: Int
    /// Samples per pixel: 1, 2, 3 or 4.
    public let channels: Int
    /// The samples, shape `[height, width, channels]`.
    public internal(set) var samples: Samples
    /// The palette as RGB triplets (`3 * entries` bytes); empty unless ``colorType`` is `.palette`.
    public let palette: [UInt8]

    /// Creates an image from decoded parts.
    public init(
        width: Int, height: Int, colorType: ColorType, bitDepth: Int, channels: Int, samples: Samples,
        palette: [UInt8] = []
    ) {
        self.width = width
        self.height = height
        self.colorType = colorType
        self.bitDepth = bitDepth
        self.channels = channels
        self.samples = samples
        self.palette = palette
    }
}

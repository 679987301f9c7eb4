/// An 8-bit RGB image, row-major and interleaved: `pixels[(y * width + x) * 3 + c]`, shape `[height, width, 3]`.
public struct RGBImage: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `height * width * 3` samples, RGB interleaved.
    public var pixels: [UInt8]

    /// Wraps existing pixels; `pixels.count` must be `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3, "RGBImage: pixel count mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image filled with one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in stride(from: 0, to: pixels.count, by: 3) {
            pixels[index] = fill.0
            pixels[index + 1] = fill.1
            pixels[index + 2] = fill.2
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let index = (y * width + x) * 3
        return (pixels[index], pixels[index + 1], pixels[index + 2])
    }
}

/// A single-channel 8-bit image, row-major: `values[y * width + x]`, shape `[height, width]`.
///
/// Used for grayscale pictures, palette indices and label masks (class indices, 255 = void).
public struct GrayImage: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `height * width` values.
    public var values: [UInt8]

    /// Wraps existing values; `values.count` must be `width * height`.
    public init(width: Int, height: Int, values: [UInt8]) {
        precondition(width >= 0 && height >= 0 && values.count == width * height, "GrayImage: value count mismatch")
        self.width = width
        self.height = height
        self.values = values
    }

    /// An image filled with one value.
    public init(width: Int, height: Int, fill: UInt8 = 0) {
        self.init(width: width, height: height, values: [UInt8](repeating: fill, count: width * height))
    }

    /// The value at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> UInt8 {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }
}

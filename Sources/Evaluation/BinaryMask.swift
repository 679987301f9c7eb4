/// A binary image, `height * width` bytes row-major, 1 = foreground, 0 = background.
public struct BinaryMask: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `height * width` values, each 0 or 1.
    public var bits: [UInt8]

    public init(width: Int, height: Int, bits: [UInt8]) {
        precondition(width > 0 && height > 0 && bits.count == width * height, "BinaryMask: value count mismatch")
        self.width = width
        self.height = height
        self.bits = bits
    }

    /// An all-background mask.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, bits: [UInt8](repeating: 0, count: width * height))
    }

    /// Wraps booleans (`true` = foreground).
    public init(width: Int, height: Int, flags: [Bool]) {
        self.init(width: width, height: height, bits: flags.map { $0 ? 1 : 0 })
    }

    /// Number of foreground pixels.
    public var foregroundCount: Int { bits.reduce(0) { $0 + Int($1) } }

    /// Sets the inclusive rectangle `x0...x1, y0...y1` to foreground, clipped to the mask as numpy slicing
    /// `mask[y0:y1 + 1, x0:x1 + 1] = 1` clips (AG-CAM's rasterisation, methods.md §1.3).
    public mutating func fill(_ box: PixelBox) {
        let x0 = max(box.x0, 0)
        let y0 = max(box.y0, 0)
        let x1 = min(box.x1, width - 1)
        let y1 = min(box.y1, height - 1)
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            let row = y * width
            for x in x0...x1 { bits[row + x] = 1 }
        }
    }
}

/// An axis-aligned box in the coordinates of the original image, with the convention its dataset uses.
///
/// Coordinates are kept as the dataset wrote them (as `Double`, since a few VOC 2012 files carry floats),
/// so protocols that scale raw values (AG-CAM's `int(x / W * 224)`) see exactly what the paper's code saw.
/// ``pixelBounds(width:height:)`` converts to 0-based inclusive pixel indices for rasterisation.
public struct BoundingBox: Hashable, Sendable, CustomStringConvertible {
    /// How the four numbers map to pixels.
    public enum Convention: String, Hashable, Sendable, CaseIterable {
        /// Pascal VOC devkit: the top-left pixel is (1, 1); `xMax`/`yMax` are the last pixel inside the box.
        case oneBasedInclusive = "1-based-inclusive"
        /// ILSVRC, wsolevaluation, CUB after `x + w`: the top-left pixel is (0, 0); `xMax`/`yMax` are the last
        /// pixel inside the box.
        case zeroBasedInclusive = "0-based-inclusive"
    }

    public var xMin: Double
    public var yMin: Double
    public var xMax: Double
    public var yMax: Double
    public var convention: Convention

    public init(xMin: Double, yMin: Double, xMax: Double, yMax: Double, convention: Convention) {
        self.xMin = xMin
        self.yMin = yMin
        self.xMax = xMax
        self.yMax = yMax
        self.convention = convention
    }

    /// Box width in pixels under the inclusive convention (`xMax - xMin + 1`).
    public var width: Double { xMax - xMin + 1 }
    /// Box height in pixels under the inclusive convention.
    public var height: Double { yMax - yMin + 1 }

    /// 0-based inclusive pixel bounds, fractional coordinates truncated toward zero and clamped to the image.
    /// - Returns: `nil` when the box lies entirely outside the image.
    public func pixelBounds(width: Int, height: Int) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        let offset = convention == .oneBasedInclusive ? 1.0 : 0.0
        let x0 = max(0, Int((xMin - offset).rounded(.towardZero)))
        let y0 = max(0, Int((yMin - offset).rounded(.towardZero)))
        let x1 = min(width - 1, Int((xMax - offset).rounded(.towardZero)))
        let y1 = min(height - 1, Int((yMax - offset).rounded(.towardZero)))
        guard x0 <= x1, y0 <= y1 else { return nil }
        return (x0, y0, x1, y1)
    }

    /// Whether the box is well formed (min <= max) and inside an image of the given size under its convention.
    public func isInside(width: Int, height: Int) -> Bool {
        let low = convention == .oneBasedInclusive ? 1.0 : 0.0
        return xMin <= xMax && yMin <= yMax && xMin >= low && yMin >= low
            && xMax <= Double(width) - 1 + low && yMax <= Double(height) - 1 + low
    }

    public var description: String {
        "[\(format(xMin)), \(format(yMin)), \(format(xMax)), \(format(yMax))] (\(convention.rawValue))"
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

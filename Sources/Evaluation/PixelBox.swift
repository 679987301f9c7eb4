/// A box in 0-based inclusive pixel indices `[x0, y0, x1, y1]`, as wsolevaluation and AG-CAM use them.
public struct PixelBox: Hashable, Sendable, CustomStringConvertible {
    public var x0: Int
    public var y0: Int
    public var x1: Int
    public var y1: Int

    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// wsolevaluation's "no contour" box `[0, 0, 0, 0]` (area 1 under the inclusive convention).
    public static let empty = PixelBox(x0: 0, y0: 0, x1: 0, y1: 0)

    /// Area under the inclusive convention, `(x1 - x0 + 1) * (y1 - y0 + 1)`.
    public var area: Int { (x1 - x0 + 1) * (y1 - y0 + 1) }

    /// wsolevaluation `calculate_multiple_iou` for one pair (evaluation.md §1.4): inclusive coordinates,
    /// `inter = max(0, min(x1) - max(x0) + 1) * max(0, min(y1) - max(y0) + 1)`, 0 when the union is not positive.
    public func iou(_ other: PixelBox) -> Double {
        let width = max(0, min(x1, other.x1) - max(x0, other.x0) + 1)
        let height = max(0, min(y1, other.y1) - max(y0, other.y0) + 1)
        let intersection = width * height
        let union = area + other.area - intersection
        return union > 0 ? Double(intersection) / Double(union) : 0
    }

    public var description: String { "[\(x0), \(y0), \(x1), \(y1)]" }
}

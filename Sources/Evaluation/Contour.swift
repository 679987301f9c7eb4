/// One border of a binary mask as OpenCV's `findContours` reports it: `boundingRect`, `contourArea` and the
/// tree link.
public struct Contour: Hashable, Sendable {
    /// `cv2.boundingRect`: left column, top row, width and height of the border pixels.
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    /// `cv2.contourArea`: the shoelace area of the border polygon through the pixel centres (not a pixel count;
    /// 0 for a single pixel or a one-pixel-wide line).
    public var area: Double
    /// `true` for a hole border (the pixels around a 4-connected background region enclosed by the object).
    public var isHole: Bool
    /// Index of the parent contour in the same result list (`hierarchy[i][3]`), `nil` at the top level.
    public var parent: Int?

    public init(x: Int, y: Int, width: Int, height: Int, area: Double, isHole: Bool, parent: Int?) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.area = area
        self.isHole = isHole
        self.parent = parent
    }
}

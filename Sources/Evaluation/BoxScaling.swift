import Datasets

/// How a ground-truth box in original-image pixels is scaled to the map size, coordinate by coordinate.
///
/// The two references round in different orders, which changes about one coordinate in a few hundred:
/// - ``agc2024``: AG-CAM `localization.py`: `int(x / W * 224)` (divide first, float64, truncation).
/// - ``wsolevaluation``: `int(x * 224 / W)` (evaluation.md §1.5; test: box (1, 2, 4, 3), image (10, 20), target
///   (35, 10) -> (3, 1, 14, 1)).
/// Both scale the raw numbers of the annotation (VOC's 1-based values included, as the papers' code does).
public enum BoxScaling: String, Sendable, Hashable, Codable, CaseIterable {
    case agc2024 = "agc"
    case wsolevaluation = "wsol"

    /// One coordinate `value` of an image side `side` scaled to `target`.
    public func scale(_ value: Double, side: Int, target: Int) -> Int {
        switch self {
        case .agc2024: Int((value / Double(side) * Double(target)).rounded(.towardZero))
        case .wsolevaluation: Int((value * Double(target) / Double(side)).rounded(.towardZero))
        }
    }

    /// `box` (raw annotation numbers) of an image `width x height` scaled to a `targetWidth x targetHeight` map.
    public func scale(
        _ box: BoundingBox, width: Int, height: Int, targetWidth: Int, targetHeight: Int
    ) -> PixelBox {
        PixelBox(
            x0: scale(box.xMin, side: width, target: targetWidth),
            y0: scale(box.yMin, side: height, target: targetHeight),
            x1: scale(box.xMax, side: width, target: targetWidth),
            y1: scale(box.yMax, side: height, target: targetHeight))
    }
}

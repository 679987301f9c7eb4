/// Boxes predicted from a binary map, as the two box protocols extract them.
public enum BoxExtraction: String, Sendable, Hashable, Codable, CaseIterable {
    /// AG-CAM `localization.py` (methods.md §1.3): `RETR_EXTERNAL`, every contour's `boundingRect` (x, y, w, h)
    /// becomes `(x, y, x + w, y + h)`, not clipped, so the box overshoots the object by one pixel right and
    /// down; the boxes are then rasterised with ``BinaryMask/fill(_:)`` (numpy clipping at the border).
    case agcExternal = "agc-external"
    /// wsolevaluation MaxBoxAcc v1 (evaluation.md §1.3): `RETR_TREE`, the first contour of largest
    /// `contourArea`, `(x, y, min(x + w, W - 1), min(y + h, H - 1))`; `[0, 0, 0, 0]` when there is none.
    case wsolLargest = "wsol-largest"
    /// wsolevaluation MaxBoxAccV2: `RETR_TREE`, every contour (hole borders included), clipped as above.
    case wsolAll = "wsol-all"

    /// The boxes of one binary map.
    public func boxes(in mask: BinaryMask) -> [PixelBox] {
        boxes(
            ContourTracer.contours(in: mask, retrieval: self == .agcExternal ? .external : .tree),
            width: mask.width, height: mask.height)
    }

    /// The boxes of already traced contours (in OpenCV order) of a `width x height` map.
    public func boxes(_ contours: [Contour], width: Int, height: Int) -> [PixelBox] {
        switch self {
        case .agcExternal:
            return contours.map { PixelBox(x0: $0.x, y0: $0.y, x1: $0.x + $0.width, y1: $0.y + $0.height) }
        case .wsolLargest, .wsolAll:
            guard !contours.isEmpty else { return [.empty] }
            var kept = contours
            if self == .wsolLargest {
                // Python's max keeps the first maximum.
                var best = contours[0]
                for contour in contours.dropFirst() where contour.area > best.area { best = contour }
                kept = [best]
            }
            return kept.map {
                PixelBox(
                    x0: $0.x, y0: $0.y, x1: min($0.x + $0.width, width - 1), y1: min($0.y + $0.height, height - 1))
            }
        }
    }

    /// The largest IoU between any predicted and any ground-truth box (0 without ground-truth boxes).
    public static func bestIoU(_ predicted: [PixelBox], _ truth: [PixelBox]) -> Double {
        var best = 0.0
        for box in predicted {
            for other in truth { best = max(best, box.iou(other)) }
        }
        return best
    }
}

import Evaluation
import Imaging

/// The pictures of a run's gallery: the image at the protocol's map size with its ground truth outlined, and a
/// method's normalised map over it with the region the protocol scored outlined.
///
/// A map picture is ``HeatmapOverlay`` (Chefer's `show_cam_on_image`) of the map the run scored, at the
/// protocol's map size (the image squashed to it, as the run scores), with two outlines, 2 pixels wide since 1
/// blurs away in a JPEG shown at 160 px: the ground truth in green (its boxes as rectangles, a mask by its
/// boundary) and, in white, the boundary of the map binarised at the threshold the protocol used on this image
/// (Otsu's level, the mean, the fixed value; none under a sweep, which scores every threshold).
package enum GalleryPicture {
    static let truthColor: (UInt8, UInt8, UInt8) = (0, 230, 64)
    static let regionColor: (UInt8, UInt8, UInt8) = (255, 255, 255)

    /// The image with its ground truth outlined; `image` is `truth.width x truth.height`.
    package static func image(_ image: RGBImage, truth: GroundTruth?) -> RGBImage {
        var picture = image
        if let truth { outlineTruth(truth, on: &picture) }
        return picture
    }

    /// The map over the image with the ground truth and the scored region outlined.
    /// - Parameters:
    ///   - map: the normalised map, `image.height * image.width` values.
    ///   - region: the binarised map, or nil to outline none.
    package static func overlay(
        map: [Float], on image: RGBImage, truth: GroundTruth?, region: BinaryMask?
    ) -> RGBImage {
        var picture = HeatmapOverlay.overlay(map, on: image)
        if let region { outline(region, color: regionColor, on: &picture) }
        if let truth { outlineTruth(truth, on: &picture) }
        return picture
    }

    static func outlineTruth(_ truth: GroundTruth, on picture: inout RGBImage) {
        if truth.isSegmentation || truth.boxes.isEmpty {
            outline(truth.foreground, color: truthColor, on: &picture)
        } else {
            for box in truth.boxes { rectangle(box, color: truthColor, on: &picture) }
        }
    }

    /// Colours every foreground pixel of `mask` within 2 pixels of the background (4-neighbours) or the border.
    static func outline(_ mask: BinaryMask, color: (UInt8, UInt8, UInt8), on picture: inout RGBImage) {
        guard mask.width == picture.width, mask.height == picture.height else { return }
        let width = mask.width
        let height = mask.height
        func set(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && y >= 0 && x < width && y < height && mask.bits[y * width + x] != 0
        }
        for y in 0..<height {
            for x in 0..<width where set(x, y) {
                let edge = (-2...2).contains { offset in
                    !set(x + offset, y) || !set(x, y + offset)
                }
                if edge { paint(x, y, color, on: &picture) }
            }
        }
    }

    /// The 1-pixel border of an inclusive box, clipped to the picture.
    static func rectangle(_ box: PixelBox, color: (UInt8, UInt8, UInt8), on picture: inout RGBImage) {
        let x0 = max(0, box.x0)
        let y0 = max(0, box.y0)
        let x1 = min(picture.width - 1, box.x1)
        let y1 = min(picture.height - 1, box.y1)
        guard x0 <= x1, y0 <= y1 else { return }
        // The box's edge and the line inside it.
        for x in x0...x1 {
            for y in [y0, min(y0 + 1, y1), max(y1 - 1, y0), y1] { paint(x, y, color, on: &picture) }
        }
        for y in y0...y1 {
            for x in [x0, min(x0 + 1, x1), max(x1 - 1, x0), x1] { paint(x, y, color, on: &picture) }
        }
    }

    static func paint(_ x: Int, _ y: Int, _ color: (UInt8, UInt8, UInt8), on picture: inout RGBImage) {
        let offset = (y * picture.width + x) * 3
        picture.pixels[offset] = color.0
        picture.pixels[offset + 1] = color.1
        picture.pixels[offset + 2] = color.2
    }
}

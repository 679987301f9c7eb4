import Foundation
import Testing

@testable import Imaging

@Suite("Jet colour map, overlay and contact sheet")
struct HeatmapOverlayTests {
    @Test("the jet table equals cv2.applyColorMap(COLORMAP_JET) at all 256 levels")
    func jetMatchesOpenCV() throws {
        let golden = try NPYArray(contentsOf: FixturePaths.path("overlay", "jet_lut.npy"))
        #expect(golden.shape == [256, 3])
        #expect(ColorMap.jet == golden.bytes())
        let gray = GrayImage(width: 256, height: 1, values: (0..<256).map { UInt8($0) })
        #expect(ColorMap.applyJet(gray).pixels == golden.bytes())
    }

    @Test(
        "the overlay equals show_cam_on_image in NumPy/OpenCV",
        arguments: [("overlay_expected.npy", true), ("overlay_expected_plain.npy", false)])
    func overlayMatchesReference(file: String, stretch: Bool) throws {
        let image = try NPYArray(contentsOf: FixturePaths.path("overlay", "overlay_image.npy"))
        let mask = try NPYArray(contentsOf: FixturePaths.path("overlay", "overlay_mask.npy"))
        let expected = try NPYArray(contentsOf: FixturePaths.path("overlay", file))
        let rgb = RGBImage(width: image.shape[1], height: image.shape[0], pixels: image.bytes())
        let overlay = HeatmapOverlay.overlay(mask.floats(), on: rgb, stretchImage: stretch)
        let difference = zip(overlay.pixels, expected.bytes()).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(difference == 0, "max difference \(difference) levels")
    }

    @Test("out-of-range and NaN mask values are clamped, never trapped")
    func overlayClamps() {
        let image = RGBImage(width: 2, height: 2, fill: (10, 20, 30))
        let overlay = HeatmapOverlay.overlay([-3, .nan, 7, .infinity], on: image)
        let low = HeatmapOverlay.overlay([0, 0, 1, 1], on: image)
        #expect(overlay == low)
    }

    @Test("the contact sheet lays tiles out row by row with captions under them")
    func contactSheet() {
        let red = RGBImage(width: 40, height: 30, fill: (255, 0, 0))
        let blue = RGBImage(width: 40, height: 30, fill: (0, 0, 255))
        let tiles = [
            ContactSheet.Tile(image: red, caption: "a"), ContactSheet.Tile(image: blue, caption: "b"),
            ContactSheet.Tile(image: red, caption: "a-very-long-caption-that-cannot-fit"),
        ]
        let padding = 6
        let sheet = ContactSheet.render(tiles, padding: padding)
        let cellWidth = 40 + 2 * padding
        let cellHeight = 30 + 2 * BitmapFont.glyphHeight + 3 * padding
        #expect(sheet.width == 2 * cellWidth && sheet.height == 2 * cellHeight)
        #expect(sheet[padding, padding] == (255, 0, 0))
        #expect(sheet[cellWidth + padding + 39, padding + 29] == (0, 0, 255))
        #expect(sheet[padding, cellHeight + padding] == (255, 0, 0))
        #expect(sheet[cellWidth + padding, cellHeight + padding] == (255, 255, 255))
        // Every caption puts black pixels in its strip, inside its cell.
        for index in 0..<3 {
            let left = (index % 2) * cellWidth
            let top = (index / 2) * cellHeight + padding + 30
            var black = 0
            for y in top..<((index / 2 + 1) * cellHeight) {
                for x in left..<(left + cellWidth) where sheet[x, y] == (0, 0, 0) { black += 1 }
            }
            #expect(black > 5, "caption \(index)")
        }
    }

    @Test("small tiles are magnified by an integer factor, nearest neighbour")
    func magnifies() {
        let tile = RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 0, 0, 255])
        let sheet = ContactSheet.render([ContactSheet.Tile(image: tile, caption: "")], padding: 1, minimumTileWidth: 5)
        #expect(sheet.width == 2 * 3 + 2)
        #expect(sheet.height == 3 + 2 * BitmapFont.glyphHeight + 3)
        #expect(sheet[1, 1] == (255, 0, 0) && sheet[3, 3] == (255, 0, 0))
        #expect(sheet[4, 1] == (0, 0, 255) && sheet[6, 3] == (0, 0, 255))
    }

    @Test("glyphs: 95 printable characters, other characters draw as '?'")
    func font() {
        var question = RGBImage(width: 5, height: 7, fill: (255, 255, 255))
        var unknown = question
        BitmapFont.draw("?", into: &question, x: 0, y: 0, scale: 1, colour: (0, 0, 0))
        BitmapFont.draw("é", into: &unknown, x: 0, y: 0, scale: 1, colour: (0, 0, 0))
        #expect(question == unknown)
        #expect(question != RGBImage(width: 5, height: 7, fill: (255, 255, 255)))
        var clipped = RGBImage(width: 3, height: 3, fill: (255, 255, 255))
        BitmapFont.draw("W~", into: &clipped, x: -2, y: -4, scale: 2, colour: (0, 0, 0))
        #expect(BitmapFont.width(of: "ab", scale: 2) == 22)
    }
}

/// Pictures side by side in a grid, each with a caption under it: the one-look summary of an explanation run.
package enum ContactSheet {
    /// One picture and its caption.
    package struct Tile: Sendable {
        package var image: RGBImage
        package var caption: String

        package init(image: RGBImage, caption: String) {
            self.image = image
            self.caption = caption
        }
    }

    /// Renders `tiles` row by row, `columns` per row (default: `ceil(sqrt(n))`, at most 6), on white, with
    /// `padding` pixels around every cell. Tiles narrower than `minimumTileWidth` are magnified by the smallest
    /// integer factor that reaches it (nearest neighbour, so pixels stay sharp). Each cell is as large as the
    /// largest tile; captions are black, in the built-in 5x7 font at twice its size when every caption fits its
    /// cell, else at its own size, cut with `..` when even that is too wide. Shape
    /// `[rows * cellHeight, columns * cellWidth, 3]`.
    package static func render(
        _ tiles: [Tile], columns: Int? = nil, padding: Int = 6, minimumTileWidth: Int = 0
    ) -> RGBImage {
        guard !tiles.isEmpty else { return RGBImage(width: 1, height: 1, fill: (255, 255, 255)) }
        let tiles = tiles.map { tile in
            let factor = tile.image.width > 0 ? (minimumTileWidth + tile.image.width - 1) / tile.image.width : 1
            return factor > 1 ? Tile(image: magnified(tile.image, by: factor), caption: tile.caption) : tile
        }
        var automatic = 1
        while automatic * automatic < tiles.count { automatic += 1 }
        let perRow = max(1, min(columns ?? min(automatic, 6), tiles.count))
        let rows = (tiles.count + perRow - 1) / perRow
        let tileWidth = tiles.map(\.image.width).max() ?? 0
        let tileHeight = tiles.map(\.image.height).max() ?? 0
        let captionHeight = 2 * BitmapFont.glyphHeight
        let cellWidth = tileWidth + 2 * padding
        let cellHeight = tileHeight + captionHeight + 3 * padding
        // One caption size for the whole sheet: doubled when every caption fits at that size.
        let scale = tiles.allSatisfy { BitmapFont.width(of: $0.caption, scale: 2) <= tileWidth } ? 2 : 1
        var sheet = RGBImage(width: perRow * cellWidth, height: rows * cellHeight, fill: (255, 255, 255))
        for (index, tile) in tiles.enumerated() {
            let left = (index % perRow) * cellWidth + padding
            let top = (index / perRow) * cellHeight + padding
            paste(tile.image, into: &sheet, x: left, y: top)
            var caption = tile.caption
            while BitmapFont.width(of: caption, scale: scale) > tileWidth && caption.count > 2 {
                caption = String(caption.dropLast(3)) + ".."
            }
            let textWidth = BitmapFont.width(of: caption, scale: scale)
            let textTop = top + tileHeight + padding + (captionHeight - BitmapFont.glyphHeight * scale) / 2
            BitmapFont.draw(
                caption, into: &sheet, x: left + max(0, (tileWidth - textWidth) / 2), y: textTop, scale: scale,
                colour: (0, 0, 0))
        }
        return sheet
    }

    /// Each pixel of `image` as a `factor x factor` block.
    private static func magnified(_ image: RGBImage, by factor: Int) -> RGBImage {
        let width = image.width * factor
        var pixels = [UInt8](repeating: 0, count: width * image.height * factor * 3)
        for y in 0..<(image.height * factor) {
            for x in 0..<width {
                let source = ((y / factor) * image.width + x / factor) * 3
                let target = (y * width + x) * 3
                pixels[target] = image.pixels[source]
                pixels[target + 1] = image.pixels[source + 1]
                pixels[target + 2] = image.pixels[source + 2]
            }
        }
        return RGBImage(width: width, height: image.height * factor, pixels: pixels)
    }

    private static func paste(_ image: RGBImage, into sheet: inout RGBImage, x: Int, y: Int) {
        for row in 0..<image.height {
            let source = row * image.width * 3
            let destination = ((y + row) * sheet.width + x) * 3
            sheet.pixels.replaceSubrange(
                destination..<(destination + image.width * 3), with: image.pixels[source..<(source + image.width * 3)])
        }
    }
}

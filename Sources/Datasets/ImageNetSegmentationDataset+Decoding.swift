import Imaging

extension ImageNetSegmentationDataset {
    /// Reads image `row` and transposes HDF5 `[3, W, H]` to `[H, W, 3]` (Chefer's `transpose((2, 1, 0))`).
    /// - Throws: ``ImageError/corrupt(path:reason:)`` when the data cannot be read or changed shape.
    static func loadImage(file: HDF5File, path: String, row: Int, width: Int, height: Int) throws(ImageError)
        -> RGBImage
    {
        let stored: HDF5ByteArray
        do {
            stored = try file.readReferenced(table: imageTable, row: row)
        } catch {
            throw .corrupt(path: path, reason: error.description)
        }
        guard stored.shape == [3, width, height], stored.bytes.count == 3 * width * height else {
            throw .corrupt(path: path, reason: "\(imageTable)[\(row)] has HDF5 shape \(stored.shape)")
        }
        let planeSize = width * height
        let pixels = [UInt8](unsafeUninitializedCapacity: 3 * planeSize) { buffer, initialized in
            stored.bytes.withUnsafeBufferPointer { source in
                // stored[c, x, y] sits at (c * W + x) * H + y; pixel (y, x, c) goes to (y * W + x) * 3 + c.
                for channel in 0..<3 {
                    for x in 0..<width {
                        let sourceRow = (channel * width + x) * height
                        for y in 0..<height {
                            buffer[(y * width + x) * 3 + channel] = source[sourceRow + y]
                        }
                    }
                }
            }
            initialized = 3 * planeSize
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Reads mask `row` (through its 1x1 cell) and transposes HDF5 `[W, H]` to `[H, W]` (Chefer's
    /// `transpose((1, 0))`); values are kept as stored (0/1 in the real file).
    /// - Throws: ``DatasetError/malformedAnnotation(path:reason:)`` when the data cannot be read or changed
    ///   shape.
    static func loadMask(file: HDF5File, path: String, row: Int, width: Int, height: Int) throws(DatasetError)
        -> SegmentationMask
    {
        let stored: HDF5ByteArray
        do {
            stored = try file.readReferenced(table: maskTable, row: row, extraHops: 1)
        } catch {
            throw .malformedAnnotation(path: path, reason: error.description)
        }
        guard stored.shape == [width, height], stored.bytes.count == width * height else {
            throw .malformedAnnotation(path: path, reason: "\(maskTable)[\(row)] has HDF5 shape \(stored.shape)")
        }
        let values = [UInt8](unsafeUninitializedCapacity: width * height) { buffer, initialized in
            stored.bytes.withUnsafeBufferPointer { source in
                // stored[x, y] sits at x * H + y; pixel (y, x) goes to y * W + x.
                for x in 0..<width {
                    for y in 0..<height { buffer[y * width + x] = source[x * height + y] }
                }
            }
            initialized = width * height
        }
        return SegmentationMask(
            values: GrayImage(width: width, height: height, values: values), encoding: .foreground, voidValue: nil)
    }
}

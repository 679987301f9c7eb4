import Foundation

/// Decodes PNG or JPEG files to RGB, choosing the codec from the file's magic bytes (not its extension).
public enum ImageDecoder {
    /// The container formats this reader knows.
    public enum Format: Sendable {
        case png
        case jpeg
    }

    /// The format of `data` from its first bytes, or `nil`.
    public static func sniff(_ data: Data) -> Format? {
        if data.count >= 8, data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if data.count >= 3, data.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// Decodes image bytes to RGB as Pillow's `convert("RGB")` would.
    /// - Parameter pixelLimit: the most pixels the header may declare (default: the process-wide
    ///   ``pixelLimit``).
    /// - Throws: ``ImageError``; ``ImageError/tooManyPixels(path:width:height:limit:)`` from the header alone.
    public static func decodeRGB(
        _ data: Data, path: String = "<memory>", pixelLimit: Int = ImageDecoder.pixelLimit
    ) throws -> RGBImage {
        switch sniff(data) {
        case .png: return try PNGCodec.decode(data, path: path, pixelLimit: pixelLimit).intoRGB()
        case .jpeg: return try JPEGCodec.decodeRaw(data, path: path, pixelLimit: pixelLimit).rgb()
        case nil:
            if data.isEmpty { throw ImageError.corrupt(path: path, reason: "empty file") }
            throw ImageError.unknownFormat(path: path)
        }
    }

    /// Reads and decodes the image file at `path` to RGB.
    /// - Throws: ``ImageError``.
    public static func decodeRGB(contentsOf path: String) throws -> RGBImage {
        try decodeRGB(FileBytes.read(path), path: path)
    }
}

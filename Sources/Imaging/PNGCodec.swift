import CPNG
import Foundation

/// PNG decoding and encoding through libpng.
public enum PNGCodec {
    /// The longest side decoded (65,535, JPEG's maximum).
    public static let maximumSide: Int32 = 65_535

    /// Decodes PNG bytes.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - path: the file name used in errors.
    ///   - pixelLimit: the most pixels the header may declare (default: the process-wide
    ///     ``ImageDecoder/pixelLimit``).
    /// - Throws: ``ImageError/corrupt(path:reason:)`` for anything libpng rejects, truncations included;
    ///   ``ImageError/tooManyPixels(path:width:height:limit:)`` when the IHDR declares more than
    ///   `pixelLimit` pixels (refused before the pixels are allocated).
    public static func decode(
        _ data: Data, path: String = "<memory>", pixelLimit: Int = ImageDecoder.pixelLimit
    ) throws -> PNGImage {
        // The header first, then the pixels straight into the array that keeps them: a large image exists once in
        // memory, not as libpng's buffer and a copy.
        var decoded = cpng_image()
        let limit = max(0, pixelLimit)
        let headerStatus = data.withUnsafeBytes { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return cpng_read_header(base.assumingMemoryBound(to: UInt8.self), buffer.count, UInt64(limit), &decoded)
        }
        try check(headerStatus, &decoded, path: path, limit: limit)
        // A side past JPEG's own maximum is refused too: resizing it would need weight tables and a first pass
        // far larger than the image (Pillow's horizontal-first resize of a 2 x 67M image takes 45 GB).
        guard decoded.width <= maximumSide && decoded.height <= maximumSide else {
            throw ImageError.unsupported(
                path: path,
                reason: "the header declares \(decoded.width)x\(decoded.height), a side longer than \(maximumSide) "
                    + "pixels (the longest JPEG allows)")
        }
        guard let colorType = PNGImage.ColorType(rawValue: Int(decoded.color_type)) else {
            throw ImageError.unsupported(path: path, reason: "colour type \(decoded.color_type)")
        }
        let width = Int(decoded.width)
        let height = Int(decoded.height)
        let channels = Int(decoded.channels)
        let bitDepth = Int(decoded.bit_depth)
        let count = width * height * channels
        let byteCount = Int(decoded.samples_size)
        /// The pixels decoded into a new array of `T` samples (`count` of them, `byteCount` bytes).
        func decodedArray<T>(of _: T.Type) throws -> [T] {
            guard byteCount == count * MemoryLayout<T>.size else {
                throw ImageError.corrupt(path: path, reason: "unexpected row layout")
            }
            return try [T](unsafeUninitializedCapacity: max(count, 1)) { buffer, initialized in
                initialized = 0
                decoded = try decodeInto(
                    UnsafeMutableRawPointer(buffer.baseAddress), byteCount: byteCount, data: data, path: path,
                    limit: limit)
                initialized = count
            }
        }
        let samples: PNGImage.Samples =
            bitDepth == 16 ? .sixteen(try decodedArray(of: UInt16.self)) : .eight(try decodedArray(of: UInt8.self))
        let palette = withUnsafeBytes(of: &decoded.palette) { raw in
            Array(raw.prefix(Int(decoded.palette_count) * 3))
        }
        return PNGImage(
            width: width, height: height, colorType: colorType, bitDepth: bitDepth,
            channels: channels, samples: samples, palette: palette)
    }

    /// Decodes the pixels of `data` into `target` (`byteCount` bytes); returns the image's description.
    private static func decodeInto(
        _ target: UnsafeMutableRawPointer?, byteCount: Int, data: Data, path: String, limit: Int
    ) throws -> cpng_image {
        var decoded = cpng_image()
        let status = data.withUnsafeBytes { buffer -> Int32 in
            guard let base = buffer.baseAddress, let target else { return -1 }
            return cpng_decode_into(
                base.assumingMemoryBound(to: UInt8.self), buffer.count, UInt64(limit), target, byteCount, &decoded)
        }
        try check(status, &decoded, path: path, limit: limit)
        return decoded
    }

    /// Throws the error a libpng status stands for.
    private static func check(_ status: Int32, _ decoded: inout cpng_image, path: String, limit: Int) throws {
        if status == CPNG_TOO_MANY_PIXELS {
            throw ImageError.tooManyPixels(
                path: path, width: Int(decoded.width), height: Int(decoded.height), limit: limit)
        }
        guard status == 0 else {
            let reason = status < 0 ? "empty file" : message(from: &decoded.message)
            throw ImageError.corrupt(path: path, reason: reason)
        }
    }

    /// Reads and decodes the PNG file at `path`.
    /// - Throws: ``ImageError``.
    public static func decode(contentsOf path: String) throws -> PNGImage {
        try decode(FileBytes.read(path), path: path)
    }

    /// Encodes 8-bit samples.
    /// - Parameters:
    ///   - samples: `width * height * channels` bytes, row-major interleaved.
    ///   - colorType: the PNG colour type; `.palette` needs `palette`.
    ///   - palette: RGB triplets, 1 to 256 entries.
    /// - Returns: the PNG file's bytes.
    public static func encode(
        samples: [UInt8], width: Int, height: Int, colorType: PNGImage.ColorType, palette: [UInt8] = [],
        compressionLevel: Int = 6
    ) throws -> Data {
        try samples.withUnsafeBytes { buffer in
            try encode(
                raw: buffer.baseAddress, width: width, height: height, colorType: colorType, bitDepth: 8,
                palette: palette, compressionLevel: compressionLevel)
        }
    }

    /// Encodes 16-bit samples (gray when `channels` is 1).
    public static func encode(
        samples16: [UInt16], width: Int, height: Int, colorType: PNGImage.ColorType, compressionLevel: Int = 6
    ) throws -> Data {
        try samples16.withUnsafeBytes { buffer in
            try encode(
                raw: buffer.baseAddress, width: width, height: height, colorType: colorType, bitDepth: 16,
                palette: [], compressionLevel: compressionLevel)
        }
    }

    /// Encodes an RGB image.
    public static func encode(_ image: RGBImage) throws -> Data {
        try encode(samples: image.pixels, width: image.width, height: image.height, colorType: .rgb)
    }

    /// Encodes a single-channel image as 8-bit gray, or as palette indices when `palette` is given.
    public static func encode(_ image: GrayImage, palette: [UInt8] = []) throws -> Data {
        try encode(
            samples: image.values, width: image.width, height: image.height,
            colorType: palette.isEmpty ? .gray : .palette, palette: palette)
    }

    private static func encode(
        raw: UnsafeRawPointer?, width: Int, height: Int, colorType: PNGImage.ColorType, bitDepth: Int,
        palette: [UInt8], compressionLevel: Int
    ) throws -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var messageBuffer = [CChar](repeating: 0, count: Int(CPNG_MESSAGE_LENGTH))
        let status = palette.withUnsafeBufferPointer { paletteBuffer in
            cpng_encode(
                raw, Int32(width), Int32(height), Int32(colorType.rawValue), Int32(bitDepth),
                paletteBuffer.baseAddress, Int32(palette.count / 3), Int32(compressionLevel), &output, &size,
                &messageBuffer)
        }
        defer { cpng_buffer_free(output) }
        guard status == 0, let output else {
            let reason = String(decoding: messageBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError.writeFailed(path: "<memory>", reason: reason)
        }
        return Data(bytes: output, count: size)
    }

    private static func message<T>(from tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

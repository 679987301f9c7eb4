import CJPEG
import Foundation

/// JPEG decoding and encoding through libjpeg-turbo, with Pillow's conversion to RGB.
public enum JPEGCodec {
    /// A JPEG as decoded: gray, RGB or CMYK samples.
    public struct Decoded: Equatable, Sendable {
        /// The colour model of ``samples``.
        public enum Model: Int, Sendable {
            case gray = 1
            case rgb = 3
            case cmyk = 4
        }
        public let width: Int
        public let height: Int
        public let model: Model
        /// Whether the file carried an Adobe APP14 marker.
        public let hasAdobeMarker: Bool
        /// `height * width * model.rawValue` samples.
        public let samples: [UInt8]
    }

    /// Decodes JPEG bytes without converting colours.
    ///
    /// The pixels are decoded straight into the returned array (no intermediate copy).
    /// - Throws: ``ImageError/corrupt(path:reason:)`` for corrupt or truncated data;
    ///   ``ImageError/tooManyPixels(path:width:height:limit:)`` when the frame header declares more than
    ///   `pixelLimit` pixels (default: the process-wide ``ImageDecoder/pixelLimit``), refused before the pixels
    ///   are allocated.
    public static func decodeRaw(
        _ data: Data, path: String = "<memory>", pixelLimit: Int = ImageDecoder.pixelLimit
    ) throws -> Decoded {
        let limit = max(0, pixelLimit)
        return try data.withUnsafeBytes { buffer in
            var header = cjpeg_image()
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                throw ImageError.corrupt(path: path, reason: "empty file")
            }
            guard let decoder = cjpeg_decoder_open(base, buffer.count, UInt64(limit), &header) else {
                if header.too_many_pixels != 0 {
                    throw ImageError.tooManyPixels(
                        path: path, width: Int(header.width), height: Int(header.height), limit: limit)
                }
                throw ImageError.corrupt(path: path, reason: message(from: &header.message))
            }
            defer { cjpeg_decoder_close(decoder) }
            guard let model = Decoded.Model(rawValue: Int(header.channels)) else {
                throw ImageError.unsupported(path: path, reason: "\(header.channels) output components")
            }
            let count = Int(header.width) * Int(header.height) * Int(header.channels)
            let samples = try [UInt8](unsafeUninitializedCapacity: count) { pixels, initialized in
                var reason = [CChar](repeating: 0, count: Int(CJPEG_MESSAGE_LENGTH))
                guard let target = pixels.baseAddress, cjpeg_decoder_read(decoder, target, &reason) == 0 else {
                    initialized = 0
                    let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    throw ImageError.corrupt(path: path, reason: text.isEmpty ? "empty image" : text)
                }
                initialized = count
            }
            return Decoded(
                width: Int(header.width), height: Int(header.height), model: model,
                hasAdobeMarker: header.saw_adobe_marker != 0, samples: samples)
        }
    }

    private static func message<T>(from tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Encodes an RGB image with libjpeg's standard tables and 4:2:0 chroma subsampling.
    /// - Parameter quality: 1 to 100 (Pillow's default is 75).
    public static func encode(_ image: RGBImage, quality: Int = 90) throws -> Data {
        try encode(pixels: image.pixels, width: image.width, height: image.height, channels: 3, quality: quality)
    }

    /// Encodes a grayscale image.
    public static func encode(_ image: GrayImage, quality: Int = 90) throws -> Data {
        try encode(pixels: image.values, width: image.width, height: image.height, channels: 1, quality: quality)
    }

    private static func encode(pixels: [UInt8], width: Int, height: Int, channels: Int, quality: Int) throws -> Data {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var messageBuffer = [CChar](repeating: 0, count: Int(CJPEG_MESSAGE_LENGTH))
        let status = pixels.withUnsafeBufferPointer { buffer in
            cjpeg_encode(
                buffer.baseAddress, Int32(width), Int32(height), Int32(channels), Int32(quality), &output, &size,
                &messageBuffer)
        }
        defer { cjpeg_buffer_free(output) }
        guard status == 0, let output else {
            let reason = String(decoding: messageBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError.writeFailed(path: "<memory>", reason: reason)
        }
        return Data(bytes: output, count: size)
    }
}

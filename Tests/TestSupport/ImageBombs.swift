/// Hand-written image files whose headers declare a huge size over almost no data (decompression bombs), for
/// the tests that a decoder refuses them from the header alone.
public enum ImageBombs {
    /// A PNG: the signature, an IHDR declaring `width x height` 8-bit RGB with a correct CRC, a tiny IDAT (an
    /// empty zlib stream, so the pixel data is missing) and IEND.
    public static func png(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let header = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        bytes += chunk("IHDR", header)
        bytes += chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
        bytes += chunk("IEND", [])
        return bytes
    }

    /// A baseline JPEG: SOI, an SOF0 declaring `width x height` with three components, an SOS, a few bytes of
    /// scan data and EOI (no tables: the header is all a decoder may look at before refusing it).
    public static func jpeg(width: UInt16, height: UInt16) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += [0xFF, 0xC0, 0x00, 17, 8] + bigEndian16(height) + bigEndian16(width) + [3]
        bytes += [1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        bytes += [0xFF, 0xDA, 0x00, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]
        bytes += [0x00, 0x00, 0x00, 0x00]
        bytes += [0xFF, 0xD9]
        return bytes
    }

    /// One PNG chunk: length, type, data, CRC-32 of type and data.
    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    /// The CRC-32 of PNG and zlib (polynomial 0xEDB88320, reflected).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func bigEndian16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
}

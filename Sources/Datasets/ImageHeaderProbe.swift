import Foundation
import Imaging

/// Reads an image's pixel size from its PNG or JPEG header without decoding the pixels, so adapters can check
/// a mask's or a box's size against its image cheaply.
package enum ImageHeaderProbe {
    /// The width and height declared by the file's header (PNG `IHDR`, JPEG `SOFn`).
    /// - Throws: ``DatasetError/missingFile(path:)`` when the file is absent, ``DatasetError/image(_:)`` when
    ///   it is not a PNG or JPEG or its header is truncated.
    package static func size(ofImageAt path: String) throws -> (width: Int, height: Int) {
        guard TextTable.isFile(path), let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.missingFile(path: path)
        }
        return try size(of: data, path: path)
    }

    /// The width and height declared by the header of image bytes.
    /// - Throws: ``DatasetError/image(_:)``, with ``ImageError/tooManyPixels(path:width:height:limit:)`` when the
    ///   header declares more than ``ImageDecoder/pixelLimit`` pixels (the error a decode would give).
    package static func size(of data: Data, path: String) throws -> (width: Int, height: Int) {
        let size = try declaredSize(of: data, path: path)
        do {
            try ImageDecoder.checkPixelCount(width: size.width, height: size.height, path: path)
        } catch {
            throw DatasetError.image(error)
        }
        return size
    }

    private static func declaredSize(of data: Data, path: String) throws -> (width: Int, height: Int) {
        let bytes = [UInt8](data)
        switch ImageDecoder.sniff(data) {
        case .png:
            // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4), all big-endian.
            guard bytes.count >= 24, bytes[12...15].elementsEqual("IHDR".utf8) else {
                throw DatasetError.image(.corrupt(path: path, reason: "PNG without an IHDR header"))
            }
            let width = bigEndian(bytes, at: 16, count: 4)
            let height = bigEndian(bytes, at: 20, count: 4)
            guard width > 0, height > 0 else {
                throw DatasetError.image(.corrupt(path: path, reason: "PNG header declares a zero size"))
            }
            return (width, height)
        case .jpeg:
            return try jpegSize(bytes, path: path)
        case nil:
            if bytes.isEmpty { throw DatasetError.image(.corrupt(path: path, reason: "empty file")) }
            throw DatasetError.image(.unknownFormat(path: path))
        }
    }

    /// Walks the JPEG marker segments up to the first start-of-frame marker.
    private static func jpegSize(_ bytes: [UInt8], path: String) throws -> (width: Int, height: Int) {
        var index = 2
        while index < bytes.count {
            guard bytes[index] == 0xFF else {
                throw DatasetError.image(.corrupt(path: path, reason: "JPEG marker expected at byte \(index)"))
            }
            // Markers may be preceded by any number of 0xFF fill bytes.
            while index < bytes.count, bytes[index] == 0xFF { index += 1 }
            guard index < bytes.count else { break }
            let marker = bytes[index]
            index += 1
            // Standalone markers carry no length.
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { continue }
            if marker == 0xD9 || marker == 0xDA { break }
            guard index + 2 <= bytes.count else { break }
            let length = bigEndian(bytes, at: index, count: 2)
            guard length >= 2 else {
                throw DatasetError.image(.corrupt(path: path, reason: "JPEG segment with length \(length)"))
            }
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isStartOfFrame {
                // Length (2), precision (1), height (2), width (2).
                guard index + 7 <= bytes.count else { break }
                let height = bigEndian(bytes, at: index + 3, count: 2)
                let width = bigEndian(bytes, at: index + 5, count: 2)
                guard width > 0, height > 0 else {
                    throw DatasetError.image(.corrupt(path: path, reason: "JPEG frame declares a zero size"))
                }
                return (width, height)
            }
            index += length
        }
        throw DatasetError.image(.corrupt(path: path, reason: "no JPEG frame header before the scan data"))
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int, count: Int) -> Int {
        var value = 0
        for byte in bytes[offset..<(offset + count)] { value = value << 8 | Int(byte) }
        return value
    }
}

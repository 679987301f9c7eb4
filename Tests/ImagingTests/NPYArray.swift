import Foundation

/// A minimal reader for the `.npy` files the fixture script writes: version 1.x or 2.x headers, C order,
/// little-endian `uint8`, `float32` or `int64`.
struct NPYArray {
    /// The element type, from the header's `descr`.
    enum Element: String {
        case uint8 = "|u1"
        case float32 = "<f4"
        case int64 = "<i8"
    }

    /// Why a file could not be read.
    struct FormatError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): \(reason)" }
    }

    let element: Element
    /// The array's shape, outermost first.
    let shape: [Int]
    /// The raw little-endian element bytes.
    let payload: Data

    /// Reads and parses the file at `path`.
    init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(path: path, reason: "cannot read file")
        }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard data.count >= 10, Array(data.prefix(6)) == magic else {
            throw FormatError(path: path, reason: "not an .npy file")
        }
        let major = data[data.startIndex + 6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8
            headerStart = 10
        } else {
            guard data.count >= 12 else { throw FormatError(path: path, reason: "short header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(data[data.startIndex + 8 + $1]) << (8 * $1) }
            headerStart = 12
        }
        guard data.count >= headerStart + headerLength else {
            throw FormatError(path: path, reason: "short header")
        }
        let headerBytes = data[(data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength)]
        let header = String(decoding: headerBytes, as: UTF8.self)
        guard !header.contains("'fortran_order': True") else {
            throw FormatError(path: path, reason: "Fortran order is not supported")
        }
        guard let descrRange = header.range(of: "'descr': '"),
            let descrEnd = header[descrRange.upperBound...].firstIndex(of: "'"),
            let element = Element(rawValue: String(header[descrRange.upperBound..<descrEnd]))
        else {
            throw FormatError(path: path, reason: "unsupported dtype in header \(header)")
        }
        guard let shapeRange = header.range(of: "'shape': ("),
            let shapeEnd = header[shapeRange.upperBound...].firstIndex(of: ")")
        else {
            throw FormatError(path: path, reason: "no shape in header")
        }
        let shape = header[shapeRange.upperBound..<shapeEnd].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let count = shape.reduce(1, *)
        let byteCount = count * (element == .uint8 ? 1 : (element == .float32 ? 4 : 8))
        let start = data.startIndex + headerStart + headerLength
        guard data.count - (headerStart + headerLength) == byteCount else {
            throw FormatError(path: path, reason: "payload is not \(byteCount) bytes")
        }
        self.element = element
        self.shape = shape
        self.payload = data[start..<(start + byteCount)]
    }

    /// The elements as bytes; the file must hold `uint8`.
    func bytes() -> [UInt8] {
        precondition(element == .uint8)
        return [UInt8](payload)
    }

    /// The elements as Float; the file must hold `float32`.
    func floats() -> [Float] {
        precondition(element == .float32)
        return payload.withUnsafeBytes { raw in
            (0..<(payload.count / 4)).map { index in
                let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                return Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
    }
}

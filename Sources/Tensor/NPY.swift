import Foundation

/// Reading and writing NumPy `.npy` files (format versions 1.0 to 3.0).
///
/// Reads little-endian `f4`, `f8`, `f2`, `i1`/`u1`, `i2`/`u2`, `i4`/`u4`, `i8`/`u8` and `b1` arrays in C order,
/// converting values to `Float`; writes `<f4` version 1.0 files exactly as `numpy.save` does.
public enum NPY {
    /// Why an `.npy` file could not be read or written.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case fileNotFound(path: String)
        case malformed(path: String, reason: String)
        case unsupported(path: String, reason: String)
        case writeFailed(path: String, reason: String)

        public var description: String {
            switch self {
            case .fileNotFound(let path): "\(path): file not found"
            case .malformed(let path, let reason): "\(path): malformed .npy: \(reason)"
            case .unsupported(let path, let reason): "\(path): unsupported .npy: \(reason)"
            case .writeFailed(let path, let reason): "\(path): cannot write .npy: \(reason)"
            }
        }
    }

    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Reads the `.npy` file at `path`.
    /// - Throws: ``Failure``.
    public static func read(contentsOf path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure.fileNotFound(path: path) }
        return try decode(data, path: path)
    }

    /// Decodes `.npy` bytes.
    /// - Throws: ``Failure``.
    public static func decode(_ data: Data, path: String = "<memory>") throws -> Tensor {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw Failure.malformed(path: path, reason: "missing the \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw Failure.malformed(path: path, reason: "truncated header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw Failure.unsupported(path: path, reason: "format version \(major)")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw Failure.malformed(path: path, reason: "header runs past the end of the file")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let descriptor = try field("descr", in: header, path: path)
        let fortranOrder = try field("fortran_order", in: header, path: path)
        let shapeText = try field("shape", in: header, path: path)
        guard fortranOrder == "False" else { throw Failure.unsupported(path: path, reason: "Fortran order") }
        let shape = try parseShape(shapeText, path: path)
        var count = 1
        var overflowed = false
        for extent in shape {
            let product = count.multipliedReportingOverflow(by: extent)
            overflowed = overflowed || product.overflow
            count = product.partialValue
        }
        guard !overflowed, shape.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }), count >= 0, count < 1 << 31 else {
            throw Failure.malformed(path: path, reason: "shape \(shapeText) is too large")
        }
        let body = headerStart + headerLength
        let values = try decodeValues(
            bytes, from: body, count: count,
            descriptor: descriptor.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")),
            path: path)
        return Tensor(shape: shape, storage: values)
    }

    /// Writes `tensor` as a little-endian float32 `.npy` file (format 1.0).
    /// - Throws: ``Failure/writeFailed(path:reason:)``.
    public static func write(_ tensor: Tensor, to path: String) throws {
        do {
            try encode(tensor).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw Failure.writeFailed(path: path, reason: error.localizedDescription)
        }
    }

    /// The `.npy` bytes of `tensor` as float32, identical to `numpy.save` of a C-contiguous `float32` array.
    public static func encode(_ tensor: Tensor) -> Data {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy pads with spaces so that magic + version + length + header + newline is a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        tensor.storage.withUnsafeBufferPointer { values in
            for value in values {
                let bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    private static func field(_ name: String, in header: String, path: String) throws -> String {
        guard let keyRange = header.range(of: "'\(name)'") ?? header.range(of: "\"\(name)\"") else {
            throw Failure.malformed(path: path, reason: "header has no '\(name)'")
        }
        var rest = header[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else {
                throw Failure.malformed(path: path, reason: "unterminated '\(name)'")
            }
            return String(rest[...close])
        }
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        rest = rest[..<end]
        return rest.trimmingCharacters(in: .whitespaces)
    }

    private static func parseShape(_ text: String, path: String) throws -> [Int] {
        let inner = text.dropFirst().dropLast()
        let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return try parts.map { part in
            guard let value = Int(part.hasSuffix("L") ? String(part.dropLast()) : part), value >= 0 else {
                throw Failure.malformed(path: path, reason: "shape \(text)")
            }
            return value
        }
    }

    private static func decodeValues(
        _ bytes: [UInt8], from start: Int, count: Int, descriptor: String, path: String
    ) throws -> [Float] {
        guard descriptor.count >= 3, let width = Int(descriptor.dropFirst(2)), [1, 2, 4, 8].contains(width) else {
            throw Failure.unsupported(path: path, reason: "dtype \(descriptor)")
        }
        let order = descriptor.first
        let kind = descriptor.dropFirst().first
        guard order == "<" || order == "|" || (order == "=" && width == 1) || width == 1 else {
            throw Failure.unsupported(path: path, reason: "big-endian dtype \(descriptor)")
        }
        guard bytes.count - start >= count * width else {
            throw Failure.malformed(
                path: path, reason: "\(bytes.count - start) data bytes for \(count) values of \(descriptor)")
        }
        func word(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            let base = start + index * width
            for byte in 0..<width { value |= UInt64(bytes[base + byte]) << (8 * UInt64(byte)) }
            return value
        }
        switch (kind, width) {
        case ("f", 4): return (0..<count).map { Float(bitPattern: UInt32(truncatingIfNeeded: word($0))) }
        case ("f", 8): return (0..<count).map { Float(Double(bitPattern: word($0))) }
        case ("f", 2): return (0..<count).map { Float(Float16(bitPattern: UInt16(truncatingIfNeeded: word($0)))) }
        case ("u", _), ("b", 1): return (0..<count).map { Float(word($0)) }
        case ("i", 1): return (0..<count).map { Float(Int8(truncatingIfNeeded: word($0))) }
        case ("i", 2): return (0..<count).map { Float(Int16(truncatingIfNeeded: word($0))) }
        case ("i", 4): return (0..<count).map { Float(Int32(truncatingIfNeeded: word($0))) }
        case ("i", 8): return (0..<count).map { Float(Int64(bitPattern: word($0))) }
        default: throw Failure.unsupported(path: path, reason: "dtype \(descriptor)")
        }
    }
}

import Foundation

extension SafeTensorsFile {
    /// The byte size of one element of each dtype safetensors defines with a whole-byte size (`Dtype::size` in
    /// `safetensors/src/tensor.rs`); any other dtype (the sub-byte F4/F6 kinds, or a made-up name) is rejected.
    static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1, "I16": 2, "U16": 2, "F16": 2,
        "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8, "C64": 8,
    ]

    /// What the header says: where the data starts, the entries and the metadata.
    struct Layout {
        var dataStart: Int
        var entries: [String: SafeTensorsEntry]
        var metadata: [String: String]
    }

    /// Reads and validates the header of a whole file's bytes (see the type's documentation for the rules).
    static func parse(_ file: UnsafeRawBufferPointer, path: String) throws -> Layout {
        func failure(_ reason: CheckpointError.Reason) -> CheckpointError {
            CheckpointError(file: path, reason: reason)
        }
        guard file.count >= 8 else { throw failure(.truncated(fileSize: file.count, needed: 8)) }
        let headerLength = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard headerLength <= maximumHeaderLength else { throw failure(.headerTooLarge(headerLength)) }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= file.count else { throw failure(.truncated(fileSize: file.count, needed: dataStart)) }
        guard headerLength > 0, file[8] == UInt8(ascii: "{") else {
            throw failure(.malformedHeader("the header does not start with '{'"))
        }
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(file[8..<dataStart]))
        } catch {
            throw failure(.malformedHeader("not valid JSON (\(Self.summary(of: error)))"))
        }
        guard case .object(let items) = json else { throw failure(.malformedHeader("not a JSON object")) }
        if let key = duplicateTopLevelKey(in: UnsafeRawBufferPointer(rebasing: file[8..<dataStart])) {
            throw failure(.duplicateKey(key))
        }

        var metadata: [String: String] = [:]
        var entries: [String: SafeTensorsEntry] = [:]
        for (name, value) in items {
            if name == "__metadata__" {
                guard case .object(let fields) = value else {
                    throw failure(.malformedHeader("__metadata__ is not an object"))
                }
                for (key, field) in fields {
                    guard case .string(let text) = field else {
                        throw failure(.malformedHeader("__metadata__ value of '\(key)' is not a string"))
                    }
                    metadata[key] = text
                }
                continue
            }
            entries[name] = try entry(name, value, path: path)
        }
        try validateLayout(entries.values, dataSize: file.count - dataStart, path: path)
        return Layout(dataStart: dataStart, entries: entries, metadata: metadata)
    }

    /// One entry, checked on its own: known dtype, non-negative extents, `[begin, end]` offsets whose span is the
    /// tensor's byte size (computed without overflow).
    private static func entry(_ name: String, _ value: JSONValue, path: String) throws -> SafeTensorsEntry {
        func invalid(_ detail: String) -> CheckpointError {
            CheckpointError(file: path, reason: .invalidEntry(tensor: name, detail: detail))
        }
        guard case .object(let fields) = value else { throw invalid("not an object") }
        guard case .string(let dtype) = fields["dtype"] else { throw invalid("no string 'dtype'") }
        guard case .array(let shapeValues) = fields["shape"] else { throw invalid("no array 'shape'") }
        guard case .array(let offsetValues) = fields["data_offsets"] else { throw invalid("no array 'data_offsets'") }
        guard let elementSize = dtypeSizes[dtype] else {
            throw CheckpointError(file: path, reason: .unsupportedDType(tensor: name, dtype: dtype))
        }
        var shape: [Int] = []
        var count = 1
        for value in shapeValues {
            guard case .integer(let extent) = value, extent >= 0 else { throw invalid("shape \(shapeValues)") }
            shape.append(extent)
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw invalid("shape \(shape) overflows") }
            count = product
        }
        guard offsetValues.count == 2, case .integer(let begin) = offsetValues[0],
            case .integer(let end) = offsetValues[1], begin >= 0, end >= begin
        else { throw invalid("data_offsets must be [begin, end] with 0 <= begin <= end") }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, byteCount == end - begin else {
            throw invalid("\(end - begin) bytes for shape \(shape) of \(dtype) (\(count) x \(elementSize) bytes)")
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// The entries, sorted by offset, must tile `[0, dataSize)`: each begins where the previous ended.
    private static func validateLayout(
        _ entries: Dictionary<String, SafeTensorsEntry>.Values, dataSize: Int, path: String
    ) throws {
        let sorted = entries.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name)
                < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name)
        }
        var expected = 0
        for entry in sorted {
            let begin = entry.byteRange.lowerBound
            guard begin == expected else {
                let what = begin > expected ? "a hole of \(begin - expected) bytes" : "an overlap"
                throw CheckpointError(
                    file: path,
                    reason: .invalidLayout(
                        "\(what) before '\(entry.name)' at data offset \(begin) (expected \(expected))"))
            }
            expected = entry.byteRange.upperBound
        }
        guard expected == dataSize else {
            throw CheckpointError(
                file: path,
                reason: .invalidLayout(
                    "the tensors end at data offset \(expected) but the file has \(dataSize) data bytes"))
        }
    }

    /// A short description of a decoding error (the decoder's own messages can be long).
    private static func summary(of error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        return String(describing: error).prefix(200).description
    }
}

/// A parsed JSON value; integers are kept apart from other numbers so offsets and extents are exact.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}

import Foundation

extension SafeTensorsFile {
    /// The first top-level key of a JSON object that appears twice, or nil.
    ///
    /// A JSON reader keeps one of two equal keys silently (which one depends on the reader), so two tensors of
    /// one name would load as whichever it kept; safetensors' own reader refuses such a header, and so does
    /// this one. The scan walks only the top level (skipping each value, strings and nesting included) and
    /// decodes each key's escapes, so `"a"` and `"\u0061"` are the same key. `header` must already be known to
    /// be a valid JSON object.
    static func duplicateTopLevelKey(in header: UnsafeRawBufferPointer) -> String? {
        var scanner = KeyScanner(bytes: header)
        var seen = Set<String>()
        scanner.skipWhitespace()
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        while true {
            scanner.skipWhitespace()
            guard let raw = scanner.stringLiteral() else { return nil }
            guard let key = try? JSONDecoder().decode(String.self, from: raw) else { return nil }
            if !seen.insert(key).inserted { return key }
            scanner.skipWhitespace()
            guard scanner.consume(UInt8(ascii: ":")) else { return nil }
            scanner.skipValue()
            scanner.skipWhitespace()
            guard scanner.consume(UInt8(ascii: ",")) else { return nil }
        }
    }
}

/// A cursor over JSON bytes for ``SafeTensorsFile/duplicateTopLevelKey(in:)``.
private struct KeyScanner {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// The bytes of the string literal at the cursor, quotes included, or nil when there is none.
    mutating func stringLiteral() -> Data? {
        let start = position
        guard consume(UInt8(ascii: "\"")) else { return nil }
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\\") {
                position += 1
            } else if byte == UInt8(ascii: "\"") {
                return Data(bytes[start..<position])
            }
        }
        return nil
    }

    /// Moves past one value: a string, an object or array (to its matching bracket), or a scalar.
    mutating func skipValue() {
        skipWhitespace()
        var depth = 0
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                _ = stringLiteral()
                if depth == 0 { return }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return }
                depth -= 1
                position += 1
                if depth == 0 { return }
                continue
            case UInt8(ascii: ","):
                if depth == 0 { return }
            default:
                break
            }
            position += 1
        }
    }
}

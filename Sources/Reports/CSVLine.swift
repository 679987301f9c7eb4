import Foundation

/// RFC 4180 fields for the run files: quotes only where needed, so plain ids stay readable.
///
/// Ours, not a package's, for measured reasons (issue 14; yaslab/CSV.swift 2.5.2 and swiftcsv/SwiftCSV 0.10.0
/// checked against what the run files need, in a release build on the 2-core machine, December 2026):
/// - `per_image.csv` is read line by line because a block's seal is a checksum of its lines' exact bytes and a
///   damaged or torn block is cut out by its byte range (``RunDirectory``); neither package gives a record's
///   bytes or offset, or says whether the last record ended with its line break.
/// - A line cut inside a quoted field (a kill mid-write) must be unreadable: both packages return the cut field
///   as if it were whole. CSV.swift also reads `"a"b,c` as `["a\",c"]` (a character dropped), and its stream
///   reader reports `cannotReadFile` at the end of every intact file on Linux; SwiftCSV trims spaces, drops a
///   trailing empty field, rejects `5" screen`, and its writer does not quote line breaks.
/// - Speed on a `per_image.csv` of 5,000 images x 20 methods x 12 metrics (77 MB, 1.2 M rows), CPU seconds to
///   the fields: this decoder 1.0 s per line (the Character-based one it replaced: 2.4 s), CSV.swift 2.2 s on
///   the whole text and 4.0 s streaming, SwiftCSV 4.9 s (whole file in memory); on 50 images (0.75 MB):
///   9, 23, 21, 38 and 44 ms.
package enum CSVLine {
    /// `fields` joined by commas, each quoted when it holds a comma, quote or line break. Both the test and the
    /// doubling of quotes look at UTF-8 bytes: a quote or comma followed by a combining mark is one `Character`,
    /// which a `Character` comparison or `replacingOccurrences` would miss.
    package static func encode(_ fields: [String]) -> String {
        fields.map { field in
            guard field.utf8.contains(where: { $0 == comma || $0 == quote || $0 == lf || $0 == cr }) else {
                return field
            }
            var bytes: [UInt8] = [quote]
            for byte in field.utf8 {
                bytes.append(byte)
                if byte == quote { bytes.append(quote) }
            }
            bytes.append(quote)
            return String(decoding: bytes, as: UTF8.self)
        }.joined(separator: ",")
    }

    /// The fields of one line, or nil when it is not RFC 4180: a quote left open (a line cut inside a quoted
    /// field) or a character other than a comma after a closing quote. A quote inside an unquoted field is a
    /// literal character, as Python's `csv` reads it. The line is read as UTF-8 bytes: every character with
    /// meaning is ASCII, so a combining mark after a quote cannot hide it (as it would in a `Character`).
    package static func decode(_ line: Substring) -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var state = State.fieldStart
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        for byte in line.utf8 {
            switch state {
            case .fieldStart:
                if byte == quote {
                    state = .quoted
                } else if byte == comma {
                    endField()
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            case .unquoted:
                if byte == comma {
                    endField()
                    state = .fieldStart
                } else {
                    field.append(byte)
                }
            case .quoted:
                if byte == quote {
                    state = .quoteInQuoted
                } else {
                    field.append(byte)
                }
            case .quoteInQuoted:
                // A doubled quote is one quote; a single one closed the field, so only a comma may follow.
                if byte == quote {
                    field.append(quote)
                    state = .quoted
                } else if byte == comma {
                    endField()
                    state = .fieldStart
                } else {
                    return nil
                }
            }
        }
        guard state != .quoted else { return nil }
        endField()
        return fields
    }

    /// Where ``decode(_:)`` is in a line.
    private enum State {
        /// At the first byte of a field.
        case fieldStart
        /// Inside a field that did not start with a quote.
        case unquoted
        /// Inside a quoted field.
        case quoted
        /// Just after a quote inside a quoted field: it closes the field or, doubled, is one quote.
        case quoteInQuoted
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
}

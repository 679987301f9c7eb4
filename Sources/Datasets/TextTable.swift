import Foundation

/// Readers for the line-oriented index files of dataset releases (CUB's `images.txt`, wsolevaluation's
/// `localization.txt`, ...): one record a line, fields separated by whitespace or commas.
///
/// Every failure is a ``DatasetError`` naming the file; the reason names the 1-based line.
package enum TextTable {
    /// One non-blank line of a text file.
    package struct Line: Sendable, Equatable {
        /// 1-based line number in the file.
        package let number: Int
        /// The line without its line break (and without a trailing CR of a CRLF file).
        package let text: Substring
    }

    /// Reads a whole file as UTF-8 text (a leading byte-order mark is dropped).
    /// - Throws: ``DatasetError/missingFile(path:)`` when the file is absent or unreadable,
    ///   ``DatasetError/malformedAnnotation(path:reason:)`` when it is not valid UTF-8.
    package static func readText(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else {
            throw DatasetError.missingFile(path: path)
        }
        return try decodeText(data, path: path)
    }

    /// Decodes bytes as UTF-8 text, dropping a leading byte-order mark.
    /// - Throws: ``DatasetError/malformedAnnotation(path:reason:)`` when the bytes are not valid UTF-8.
    package static func decodeText(_ data: Data, path: String) throws -> String {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DatasetError.malformedAnnotation(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    /// Splits text into its non-blank lines.
    ///
    /// Lines end at LF; one CR before the LF is dropped, so CRLF files read like LF files. The last line needs
    /// no line break: wsolevaluation writes its metadata without a trailing newline (evaluation.md §1.9).
    /// Lines that are empty or hold only spaces and tabs are skipped (Python's `readlines()` would keep them
    /// and then fail to unpack them; skipping is the lenient reading).
    package static func lines(_ text: String) -> [Line] {
        var result: [Line] = []
        var number = 0
        // Split on scalars, not Characters: Swift treats "\r\n" as one Character, which never equals "\n".
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            guard line.contains(where: { $0 != " " && $0 != "\t" }) else { continue }
            result.append(Line(number: number, text: Substring(line)))
        }
        return result
    }

    /// The fields of a whitespace-separated line (runs of spaces and tabs separate fields).
    package static func whitespaceFields(_ line: Substring) -> [Substring] {
        line.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(Substring.init)
    }

    /// Splits a whitespace-separated line into its first field and the rest of the line (trimmed), so a
    /// path containing spaces survives (`<id> <relative path>`).
    /// - Returns: `nil` when the line has a single field.
    package static func keyAndRest(_ line: Substring) -> (key: Substring, rest: Substring)? {
        let scalars = line.unicodeScalars
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
        guard let keyStart = scalars.firstIndex(where: { !isBlank($0) }),
            let gap = scalars[keyStart...].firstIndex(where: isBlank),
            let restStart = scalars[gap...].firstIndex(where: { !isBlank($0) }),
            let restLast = scalars.lastIndex(where: { !isBlank($0) })
        else { return nil }
        return (Substring(scalars[keyStart..<gap]), Substring(scalars[restStart...restLast]))
    }

    /// The fields of a comma-separated line, split at every comma with no quoting, like Python's
    /// `line.split(',')` that wsolevaluation uses; empty fields are kept (`a,b,` has three fields).
    package static func commaFields(_ line: Substring) -> [Substring] {
        line.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false).map(Substring.init)
    }

    /// Parses an integer field; surrounding spaces and a sign are allowed, as Python's `int()` allows them.
    /// - Throws: ``DatasetError/malformedAnnotation(path:reason:)`` naming the line and what was expected.
    package static func integer(_ field: Substring, what: String, path: String, line: Int) throws -> Int {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard let value = Int(trimmed) else {
            throw DatasetError.malformedAnnotation(
                path: path, reason: "line \(line): \(what) '\(field)' is not an integer")
        }
        return value
    }

    /// Parses a finite decimal number field (`60.0`, `27`, `1e2`).
    /// - Throws: ``DatasetError/malformedAnnotation(path:reason:)`` for text, NaN or infinity.
    package static func number(_ field: Substring, what: String, path: String, line: Int) throws -> Double {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite else {
            throw DatasetError.malformedAnnotation(
                path: path, reason: "line \(line): \(what) '\(field)' is not a finite number")
        }
        return value
    }

    /// `base` joined with a relative path (`base/relative`); a relative path that is already absolute is kept.
    package static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") || base.isEmpty { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    /// Whether a directory exists at `path`.
    package static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Whether a regular file (not a directory) exists at `path`.
    package static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}

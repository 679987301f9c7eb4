import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A VOC-style `<annotation>` document (Pascal VOC and ILSVRC per-image XML), as written in the file.
///
/// Names and numbers are not yet checked against a class list or the image size; the adapters do that
/// (``VOCDataset``, ``ImageNetValDataset``). Elements are matched by name, never by position, because the order
/// of `bndbox` children varies across the tools that wrote VOC and ILSVRC files. Elements the harness does
/// not use (`source`, `owner`, person-layout `part`, action `actions` and `point`) are skipped, and the
/// `name`/`bndbox` of a `part` never overwrite those of its `object`.
package struct AnnotationXML: Equatable, Sendable {
    /// A box's four numbers as written (`Double`: a few VOC 2012 files carry floats such as 45.70000076293945).
    package struct Box: Equatable, Sendable {
        package var xMin: Double
        package var yMin: Double
        package var xMax: Double
        package var yMax: Double

        package init(xMin: Double, yMin: Double, xMax: Double, yMax: Double) {
            self.xMin = xMin
            self.yMin = yMin
            self.xMax = xMax
            self.yMax = yMax
        }
    }

    /// One `<object>` element.
    package struct Object: Equatable, Sendable {
        /// `name`, whitespace-trimmed (a VOC class name, or an ILSVRC wnid).
        package var name: String
        /// `pose` (`Frontal`, `Rear`, `Left`, `Right`, `Unspecified`), `nil` when absent.
        package var pose: String?
        /// `truncated` (absent: `false`).
        package var isTruncated: Bool
        /// `difficult` (absent: `false`).
        package var isDifficult: Bool
        /// `occluded` (absent in older VOC files and in ILSVRC: `false`).
        package var isOccluded: Bool
        /// `bndbox`, `nil` when the object has none.
        package var box: Box?

        package init(
            name: String, pose: String? = nil, isTruncated: Bool = false, isDifficult: Bool = false,
            isOccluded: Bool = false, box: Box? = nil
        ) {
            self.name = name
            self.pose = pose
            self.isTruncated = isTruncated
            self.isDifficult = isDifficult
            self.isOccluded = isOccluded
            self.box = box
        }
    }

    /// `filename` (VOC: `2007_000027.jpg`; ILSVRC: the id without extension), `nil` when absent.
    package var filename: String?
    /// `size/width`, `nil` when absent.
    package var width: Int?
    /// `size/height`, `nil` when absent.
    package var height: Int?
    /// `size/depth`, `nil` when absent.
    package var depth: Int?
    /// `segmented` (VOC: 1 when the image has segmentation masks), `nil` when absent.
    package var isSegmented: Bool?
    /// The `object` elements in file order.
    package var objects: [Object]

    package init(
        filename: String? = nil, width: Int? = nil, height: Int? = nil, depth: Int? = nil,
        isSegmented: Bool? = nil, objects: [Object] = []
    ) {
        self.filename = filename
        self.width = width
        self.height = height
        self.depth = depth
        self.isSegmented = isSegmented
        self.objects = objects
    }

    /// Parses an annotation document.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - path: the file name used in errors.
    /// - Throws: ``DatasetError/malformedAnnotation(path:reason:)`` with the parser's reason and line number
    ///   for anything that is not well-formed XML with an `<annotation>` root, or whose numbers do not parse.
    package static func parse(_ data: Data, path: String) throws -> AnnotationXML {
        if let reason = unsafeInputReason(data) {
            throw DatasetError.malformedAnnotation(path: path, reason: reason)
        }
        let parser = XMLParser(data: data)
        let delegate = AnnotationXMLParserDelegate()
        parser.delegate = delegate
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let succeeded = parser.parse()
        if let reason = delegate.failure {
            throw DatasetError.malformedAnnotation(path: path, reason: reason)
        }
        // FoundationXML runs libxml2 in recover mode: `parse()` can return true after an error, so the
        // recorded error counts too.
        guard succeeded, parser.parserError == nil else {
            throw DatasetError.malformedAnnotation(path: path, reason: Self.describe(parser))
        }
        guard delegate.sawRoot else {
            throw DatasetError.malformedAnnotation(path: path, reason: "no <annotation> element")
        }
        guard delegate.closedRoot else {
            throw DatasetError.malformedAnnotation(
                path: path, reason: "document ends before </annotation> (line \(parser.lineNumber))")
        }
        return delegate.document
    }

    /// The largest annotation file read (16 MiB; VOC's and ImageNet's are under 10 KB).
    package static let maximumFileSize = 16 << 20

    /// Reads and parses the annotation file at `path`.
    /// - Throws: ``DatasetError/missingFile(path:)`` when the file does not exist, else as ``parse(_:path:)``.
    package static func parse(contentsOf path: String) throws -> AnnotationXML {
        // The length comes from the open file (a seek), so a file far larger than any annotation is refused
        // before it is read and one bad file cannot take the run's memory; a separate stat would cost about as
        // much as the parse.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            guard FileManager.default.fileExists(atPath: path) else { throw DatasetError.missingFile(path: path) }
            throw DatasetError.malformedAnnotation(path: path, reason: "cannot read the file")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            let size = try handle.seekToEnd()
            guard size <= UInt64(maximumFileSize) else {
                throw DatasetError.malformedAnnotation(
                    path: path,
                    reason: "the file is \(size) bytes, more than an annotation's limit of \(maximumFileSize)")
            }
            try handle.seek(toOffset: 0)
            data = try handle.readToEnd() ?? Data()
        } catch let error as DatasetError {
            throw error
        } catch {
            throw DatasetError.malformedAnnotation(
                path: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(data, path: path)
    }

    /// Why `data` must not reach FoundationXML's parser, or `nil` when it is safe.
    ///
    /// FoundationXML on Linux force-unwraps the UTF-8 decoding of every element name, comment and processing
    /// instruction libxml2 hands it, and libxml2 runs in recover mode, so invalid UTF-8 inside a tag crashes the
    /// process (found by fuzzing; swift-corelibs-foundation `XMLParser.swift`, `UTF8STRING(...)!`). Only valid
    /// UTF-8 without C0 control bytes (tab, LF and CR aside) and without a non-UTF-8 encoding declaration is
    /// passed on. Processing instructions other than a leading `<?xml ...?>` are refused too (FoundationXML
    /// crashes on one without data, `<?a?>`, also found by fuzzing), and so are `<!DOCTYPE` declarations (entity
    /// expansion). VOC and ILSVRC files are plain ASCII and use none of these.
    static func unsafeInputReason(_ data: Data) -> String? {
        let problem = data.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count
            // Skip a UTF-8 byte-order mark, then the XML declaration, the one processing instruction allowed.
            let start = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            let declaration = Array("<?xml".utf8)
            let hasDeclaration =
                count >= start + declaration.count
                && declaration.indices.allSatisfy { bytes[start + $0] == declaration[$0] }
            let doctype = Array("!DOCTYPE".utf8)
            var sawNonASCII = false
            // One pass over the bytes; the full UTF-8 validation runs only when a non-ASCII byte is present.
            for index in 0..<count {
                let byte = bytes[index]
                if byte >= 0x80 {
                    sawNonASCII = true
                } else if byte < 0x20 {
                    if byte != 0x09 && byte != 0x0A && byte != 0x0D {
                        return "control byte 0x\(String(byte, radix: 16)) at byte offset \(index)"
                    }
                } else if byte == UInt8(ascii: "<"), index + 1 < count {
                    let next = bytes[index + 1]
                    if next == UInt8(ascii: "?"), !(hasDeclaration && index == start) {
                        return "processing instruction at byte offset \(index)"
                    }
                    if next == UInt8(ascii: "!"), index + 1 + doctype.count <= count,
                        doctype.indices.allSatisfy({ bytes[index + 1 + $0] == doctype[$0] })
                    {
                        return "document type declaration at byte offset \(index)"
                    }
                }
            }
            guard sawNonASCII, String(validating: bytes, as: UTF8.self) == nil else { return nil }
            return "invalid UTF-8 at byte offset \(firstInvalidUTF8Offset(bytes))"
        }
        if let problem { return problem }
        return declaredEncodingProblem(data)
    }

    /// The byte offset of the first ill-formed UTF-8 sequence (the slow path, for the error message only).
    private static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while case .valid(let encoded) = parser.parseScalar(from: &iterator) { offset += encoded.count }
        return offset
    }

    /// A reason when an `<?xml ... encoding="..."?>` declaration names anything but UTF-8 or ASCII, which
    /// would make libxml2 transcode the (already checked) bytes.
    private static func declaredEncodingProblem(_ data: Data) -> String? {
        let head = String(decoding: data.prefix(256), as: UTF8.self)
        let start = head.hasPrefix("\u{FEFF}") ? head.dropFirst() : Substring(head)
        guard start.hasPrefix("<?xml"), let close = start.range(of: "?>") else { return nil }
        let declaration = start[..<close.lowerBound]
        guard let keyword = declaration.range(of: "encoding") else { return nil }
        let value = declaration[keyword.upperBound...]
            .drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            .prefix { $0 != "\"" && $0 != "'" && $0 != " " }
        let allowed: Set<String> = ["utf-8", "utf8", "us-ascii", "ascii"]
        return allowed.contains(value.lowercased()) ? nil : "declares encoding '\(value)'; only UTF-8 is read"
    }

    /// The parser's own reason for a failure, with the line libxml2 stopped at.
    ///
    /// On Linux the error code is libxml2's `xmlParserErrors` value (FoundationXML passes it through; its
    /// `XMLParser.ErrorCode` names do not line up with it), so the common ones are named from `xmlerror.h`.
    private static func describe(_ parser: XMLParser) -> String {
        let line = parser.lineNumber
        guard let error = parser.parserError as NSError? else { return "not well-formed XML (line \(line))" }
        let known: [Int: String] = [
            3: "start tag expected", 4: "document is empty", 5: "premature end or extra content",
            9: "invalid character", 23: "entity reference without ';'", 26: "undeclared entity",
            41: "attribute without value", 45: "unfinished comment", 63: "unfinished CDATA section",
            68: "name expected", 73: "'>' expected", 74: "'</' expected",
            76: "opening and ending tag mismatch", 77: "premature end of data in tag", 85: "not well balanced",
            86: "extra content at the end of the document",
        ]
        let what = known[error.code].map { "\($0), libxml2 error \(error.code)" } ?? "libxml2 error \(error.code)"
        return "not well-formed XML: \(what) (line \(line))"
    }
}

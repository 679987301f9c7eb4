import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The SAX delegate behind ``AnnotationXML/parse(_:path:)``: a stack of small contexts, no DOM.
///
/// Text is collected only inside the leaf elements the harness reads, so a typical 2-object VOC file costs
/// one `String` per leaf value and nothing per skipped element beyond the parser's own name strings.
final class AnnotationXMLParserDelegate: NSObject, XMLParserDelegate {
    /// A leaf element whose text is kept.
    private enum Field {
        case filename, width, height, depth, segmented
        case name, pose, truncated, difficult, occluded
        case xMin, yMin, xMax, yMax
    }

    /// Where the parser is: the meaning of the innermost open element.
    private enum Context {
        case annotation
        case size
        case object
        case boundingBox
        case field(Field)
        /// An element the harness does not read, and everything inside it (`source`, `part`, `actions`, ...).
        case skipped
    }

    private(set) var document = AnnotationXML()
    private(set) var sawRoot = false
    /// Whether `</annotation>` was seen: FoundationXML can report success for a document cut off mid-way.
    private(set) var closedRoot = false
    /// Set, with the parser stopped, when the XML is well formed but its content is not an annotation.
    private(set) var failure: String?

    private var stack: [Context] = []
    private var text = ""
    private var objectName: String?
    private var object = AnnotationXML.Object(name: "")
    private var sawBoundingBox = false
    private var boxValues: [Double?] = [nil, nil, nil, nil]

    override init() {
        super.init()
        stack.reserveCapacity(8)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        let context: Context
        switch stack.last {
        case nil:
            guard elementName == "annotation", !sawRoot else {
                return fail(parser, "root element <\(elementName)>, expected <annotation>")
            }
            sawRoot = true
            context = .annotation
        case .annotation:
            switch elementName {
            case "size": context = .size
            case "object":
                objectName = nil
                object = AnnotationXML.Object(name: "")
                sawBoundingBox = false
                boxValues = [nil, nil, nil, nil]
                context = .object
            case "filename": context = .field(.filename)
            case "segmented": context = .field(.segmented)
            default: context = .skipped
            }
        case .size:
            switch elementName {
            case "width": context = .field(.width)
            case "height": context = .field(.height)
            case "depth": context = .field(.depth)
            default: context = .skipped
            }
        case .object:
            switch elementName {
            case "name": context = .field(.name)
            case "pose": context = .field(.pose)
            case "truncated": context = .field(.truncated)
            case "difficult": context = .field(.difficult)
            case "occluded": context = .field(.occluded)
            case "bndbox":
                sawBoundingBox = true
                context = .boundingBox
            default: context = .skipped
            }
        case .boundingBox:
            switch elementName {
            case "xmin": context = .field(.xMin)
            case "ymin": context = .field(.yMin)
            case "xmax": context = .field(.xMax)
            case "ymax": context = .field(.yMax)
            default: context = .skipped
            }
        case .field, .skipped:
            context = .skipped
        }
        if case .field = context { text.removeAll(keepingCapacity: true) }
        stack.append(context)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if case .field = stack.last { text += string }
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        guard let context = stack.popLast() else { return }
        switch context {
        case .field(let field):
            store(field, parser)
        case .object:
            finishObject(parser)
        case .annotation:
            closedRoot = stack.isEmpty
        default:
            break
        }
    }

    private func store(_ field: Field, _ parser: XMLParser) {
        let value = Self.trimmed(text)
        switch field {
        case .filename: document.filename = value
        case .width: document.width = integer(value, "size/width", parser)
        case .height: document.height = integer(value, "size/height", parser)
        case .depth: document.depth = integer(value, "size/depth", parser)
        case .segmented: document.isSegmented = flag(value, "segmented", parser)
        case .name: objectName = value
        case .pose: object.pose = value
        case .truncated: object.isTruncated = flag(value, "truncated", parser)
        case .difficult: object.isDifficult = flag(value, "difficult", parser)
        case .occluded: object.isOccluded = flag(value, "occluded", parser)
        case .xMin: boxValues[0] = coordinate(value, "xmin", parser)
        case .yMin: boxValues[1] = coordinate(value, "ymin", parser)
        case .xMax: boxValues[2] = coordinate(value, "xmax", parser)
        case .yMax: boxValues[3] = coordinate(value, "ymax", parser)
        }
    }

    /// `text` without leading and trailing ASCII whitespace. Foundation's `trimmingCharacters(in:)` costs more
    /// than the rest of the delegate together on Linux, and the values are ASCII numbers and names.
    private static func trimmed(_ text: String) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }),
            let last = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        if first == utf8.startIndex && utf8.index(after: last) == utf8.endIndex { return text }
        return String(text[first...last])
    }

    private func finishObject(_ parser: XMLParser) {
        let number = document.objects.count + 1
        guard let name = objectName, !name.isEmpty else {
            return fail(parser, "object \(number) has no name")
        }
        object.name = name
        if sawBoundingBox {
            let labels = ["xmin", "ymin", "xmax", "ymax"]
            guard let xMin = boxValues[0], let yMin = boxValues[1], let xMax = boxValues[2], let yMax = boxValues[3]
            else {
                let missing = zip(labels, boxValues).filter { $0.1 == nil }.map(\.0).joined(separator: ", ")
                return fail(parser, "object \(number) bndbox lacks \(missing)")
            }
            object.box = AnnotationXML.Box(xMin: xMin, yMin: yMin, xMax: xMax, yMax: yMax)
        }
        document.objects.append(object)
    }

    /// A non-negative integer (`size` values); `500.0` is accepted, `500.5` is not.
    private func integer(_ value: String, _ element: String, _ parser: XMLParser) -> Int? {
        if let integer = Int(value), integer >= 0 { return integer }
        if let real = Double(value), let integer = Int(exactly: real), integer >= 0 { return integer }
        fail(parser, "<\(element)> '\(value)' is not a non-negative integer")
        return nil
    }

    /// A finite number (box coordinates).
    private func coordinate(_ value: String, _ element: String, _ parser: XMLParser) -> Double? {
        if let real = Double(value), real.isFinite { return real }
        fail(parser, "<\(element)> '\(value)' is not a number")
        return nil
    }

    /// A 0/1 flag; an empty element reads as 0 (absent flags are 0 too).
    private func flag(_ value: String, _ element: String, _ parser: XMLParser) -> Bool {
        if value.isEmpty { return false }
        if let integer = Int(value) { return integer != 0 }
        fail(parser, "<\(element)> '\(value)' is not 0 or 1")
        return false
    }

    /// Records the first content problem and stops. A syntax error libxml2 already reported wins: in recover
    /// mode the content that follows it (a `bndbox` cut short) is its consequence, not the cause.
    private func fail(_ parser: XMLParser, _ reason: String) {
        guard failure == nil, parser.parserError == nil else { return parser.abortParsing() }
        failure = "\(reason) (line \(parser.lineNumber))"
        parser.abortParsing()
    }
}

import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A report page read back by a parser: the page must be well-formed (every element closed, attributes
/// quoted, only character references XML knows), so libxml2's strict parser reads it; on top of that the checks
/// of HTML that a parse can make: the document's structure, known element names, unique ids, an `alt` on every
/// picture. What it collects lets a test compare the page with the run's files.
final class ReportPageCheck: NSObject, XMLParserDelegate {
    /// A cell carrying an exact value: its row's method, its metric and its `data-value`.
    struct ValueCell: Hashable {
        var table: String
        var method: String
        var metric: String
        var value: String
    }

    private(set) var problems: [String] = []
    private(set) var cells: [ValueCell] = []
    /// Every `href` and `src`.
    private(set) var references: [String] = []
    /// `src` of the pictures inside the gallery section, in page order.
    private(set) var galleryPictures: [String] = []
    private(set) var text = ""
    private var stack: [String] = []
    private var ids: Set<String> = []
    private var table = ""
    private var section = ""
    private var rowMethod = ""

    /// The HTML elements a report may use, and the SVG elements of its inline plots.
    static let knownElements: Set<String> = [
        "html", "head", "meta", "title", "style", "body", "header", "nav", "section", "h1", "h2", "h3", "p", "a",
        "dl", "dt", "dd", "details", "summary", "div", "span", "strong", "b", "br", "table", "thead", "tbody",
        "tr", "th", "td", "figure", "figcaption", "img", "label", "input", "button", "script",
        "svg", "g", "rect", "line", "polyline", "circle", "path", "text",
    ]
    static let voidElements: Set<String> = ["meta", "br", "img", "input"]

    /// Parses `data`; a parse error is a problem.
    init(page data: Data) {
        super.init()
        let parser = XMLParser(data: data)
        parser.delegate = self
        if !parser.parse() {
            problems.append(
                "not well-formed at line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "unknown")")
        }
        if !stack.isEmpty { problems.append("unclosed elements at the end: \(stack)") }
        let prefix = String(decoding: data.prefix(15), as: UTF8.self)
        if prefix != "<!DOCTYPE html>" { problems.append("the page does not start with <!DOCTYPE html>") }
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if !Self.knownElements.contains(elementName) { problems.append("unknown element <\(elementName)>") }
        switch (stack.last, elementName) {
        case (nil, "html"), ("html", "head"), ("html", "body"): break
        case (nil, _): problems.append("the root is <\(elementName)>, not <html>")
        case ("html", _): problems.append("<\(elementName)> directly inside <html>")
        case (_, "head"), (_, "body"): problems.append("<\(elementName)> inside <\(stack.last ?? "")>")
        default: break
        }
        if elementName == "a" && stack.contains("a") { problems.append("a link inside a link") }
        if elementName == "img" && attributes["alt"] == nil { problems.append("<img> without alt") }
        if let id = attributes["id"] {
            if !ids.insert(id).inserted { problems.append("id \(id) used twice") }
            if elementName == "table" { table = id }
            if elementName == "section" { section = id }
        }
        if elementName == "tr" { rowMethod = attributes["data-method"] ?? "" }
        for key in ["href", "src"] {
            guard let reference = attributes[key] else { continue }
            references.append(reference)
            if key == "src" && section == "gallery" { galleryPictures.append(reference) }
        }
        if elementName == "td", let metric = attributes["data-metric"], let value = attributes["data-value"] {
            cells.append(
                ValueCell(table: table, method: attributes["data-method"] ?? rowMethod, metric: metric, value: value))
        }
        stack.append(elementName)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if stack.last == elementName { stack.removeLast() } else { problems.append("</\(elementName)> out of order") }
        if elementName == "table" { table = "" }
        if elementName == "section" { section = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    /// Whether the page names anything on the network.
    func networkReferences(in page: String) -> [String] {
        ["http://", "https://", "//cdn", "url("].filter { page.contains($0) }
    }

    /// The references that do not resolve to a file, relative to `folder`.
    func unresolved(relativeTo folder: URL) -> [String] {
        references.filter { reference in
            if reference.hasPrefix("#") { return !ids.contains(String(reference.dropFirst())) }
            let path = reference.removingPercentEncoding ?? reference
            return !FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path)
        }
    }
}

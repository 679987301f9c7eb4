import Foundation
import SeededRandom
import TestSupport
import Testing

@testable import Datasets

private let validAnnotation = Data(
    """
    <annotation>
    \t<folder>VOC2012</folder>
    \t<filename>2007_000032.jpg</filename>
    \t<source>
    \t\t<database>The VOC2007 Database</database>
    \t\t<annotation>PASCAL VOC2007</annotation>
    \t</source>
    \t<size>
    \t\t<width>500</width>
    \t\t<height>281</height>
    \t\t<depth>3</depth>
    \t</size>
    \t<segmented>1</segmented>
    \t<object>
    \t\t<name>aeroplane</name>
    \t\t<pose>Frontal</pose>
    \t\t<truncated>0</truncated>
    \t\t<difficult>0</difficult>
    \t\t<bndbox>
    \t\t\t<xmin>104</xmin>
    \t\t\t<ymin>78</ymin>
    \t\t\t<xmax>375</xmax>
    \t\t\t<ymax>183</ymax>
    \t\t</bndbox>
    \t</object>
    </annotation>

    """.utf8)

/// Pieces of XML syntax, names the parser reads, numbers and multi-byte characters.
private let markupFragments = [
    "<", ">", "</", "/>", "<annotation>", "</annotation>", "<object>", "</object>", "<name>", "</name>",
    "<bndbox>", "</bndbox>", "<xmin>", "</xmin>", "<size>", "<width>", "</width>", "<difficult>", "<part>",
    "<!--", "-->", "<?", "?>", "<?xml version=\"1.0\"?>", "<![CDATA[", "]]>", "<!DOCTYPE a [", "<!ENTITY e \"x\">",
    "]>", "&e;", "&amp;", "&#65;", "&#x1F600;", "&#0;", "&", ";", "=", "\"", "'", " a=\"1\"", " ", "\n", "\t",
    "12", "3.5", "-1", "1e400", "nan", "dog", "é", "中", "😀", "\u{FEFF}", "\u{FFFD}", ":", "xmlns:a=\"u\"", "a:b",
]

/// Parses and classifies: `nil` when it parsed, else the error (which must be a malformed annotation).
private func outcome(_ data: Data) -> DatasetError? {
    do {
        _ = try AnnotationXML.parse(data, path: "fuzz.xml")
        return nil
    } catch let error as DatasetError {
        return error
    } catch {
        return .invalidLayout(path: "fuzz.xml", reason: "unexpected error type \(error)")
    }
}

private func isMalformed(_ error: DatasetError?) -> Bool {
    guard case .malformedAnnotation(let path, let reason) = error else { return false }
    return path == "fuzz.xml" && !reason.isEmpty
}

@Suite struct VOCAnnotationFuzzTests {
    @Test func validAnnotationParses() throws {
        let annotation = try AnnotationXML.parse(validAnnotation, path: "fuzz.xml")
        #expect(annotation.width == 500 && annotation.height == 281)
        #expect(
            annotation.objects == [
                AnnotationXML.Object(
                    name: "aeroplane", pose: "Frontal",
                    box: AnnotationXML.Box(xMin: 104, yMin: 78, xMax: 375, yMax: 183))
            ])
    }

    @Test(arguments: 0..<100)
    func randomBytesAreMalformed(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed))
        let length = Int.random(in: 0...600, using: &generator)
        var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Half the cases start like XML, so the parser gets past the prolog.
        if seed % 2 == 0 { bytes = Array("<annotation><object>".utf8) + bytes }
        let error = outcome(Data(bytes))
        #expect(isMalformed(error), "seed \(seed): \(String(describing: error))")
    }

    @Test(arguments: 0..<100)
    func truncationsAreMalformedUnlessComplete(seed: Int) {
        var generator = SplitMix64(seed: UInt64(1_000 + seed))
        let length = Int.random(in: 0...validAnnotation.count, using: &generator)
        // Everything up to and including "</annotation>" (all but the final newline) is a complete document.
        let closingEnd = validAnnotation.count - 1
        let error = outcome(validAnnotation.prefix(length))
        if length >= closingEnd {
            #expect(error == nil, "length \(length)")
        } else {
            #expect(isMalformed(error), "length \(length): \(String(describing: error))")
        }
    }

    @Test(arguments: 0..<100)
    func corruptedBytesParseOrAreMalformed(seed: Int) {
        var generator = SplitMix64(seed: UInt64(2_000 + seed))
        var bytes = [UInt8](validAnnotation)
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
        }
        let error = outcome(Data(bytes))
        #expect(error == nil || isMalformed(error), "seed \(seed): \(String(describing: error))")
    }

    /// Valid UTF-8 built from markup fragments, so the input gets past the byte checks into libxml2 itself.
    @Test(arguments: 0..<100)
    func randomMarkupParsesOrIsMalformed(seed: Int) {
        var generator = SplitMix64(seed: UInt64(3_000 + seed))
        let count = Int.random(in: 0...120, using: &generator)
        var text = seed % 3 == 0 ? "<annotation>" : ""
        for _ in 0..<count { text += markupFragments.randomElement(using: &generator) ?? "" }
        let error = outcome(Data(text.utf8))
        #expect(error == nil || isMalformed(error), "seed \(seed): \(String(describing: error))")
    }

    /// Markup fragments spliced into a valid annotation at random places.
    @Test(arguments: 0..<100)
    func splicedMarkupParsesOrIsMalformed(seed: Int) {
        var generator = SplitMix64(seed: UInt64(4_000 + seed))
        var text = Array(String(decoding: validAnnotation, as: UTF8.self))
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            let fragment = markupFragments.randomElement(using: &generator) ?? ""
            text.insert(contentsOf: fragment, at: Int.random(in: 0...text.count, using: &generator))
        }
        let error = outcome(Data(String(text).utf8))
        #expect(error == nil || isMalformed(error), "seed \(seed): \(String(describing: error))")
    }

    @Test func unsafeBytesAreRejectedBeforeTheXMLParser() {
        let invalidUTF8 = outcome(Data([0x3C, 0x61, 0xC3, 0x3E]))  // "<a" + a cut 2-byte sequence + ">"
        #expect(invalidUTF8 == .malformedAnnotation(path: "fuzz.xml", reason: "invalid UTF-8 at byte offset 2"))
        let nul = outcome(Data([0x3C, 0x00, 0x61]))
        #expect(nul == .malformedAnnotation(path: "fuzz.xml", reason: "control byte 0x0 at byte offset 1"))
        let utf16 = outcome(Data("<?xml version=\"1.0\" encoding=\"UTF-16\"?><annotation/>".utf8))
        #expect(
            utf16 == .malformedAnnotation(path: "fuzz.xml", reason: "declares encoding 'UTF-16'; only UTF-8 is read"))
        let instruction = outcome(Data("<annotation><?a?></annotation>".utf8))
        #expect(
            instruction == .malformedAnnotation(path: "fuzz.xml", reason: "processing instruction at byte offset 12"))
        let doctype = outcome(Data("<!DOCTYPE a [<!ENTITY e \"x\">]><annotation>&e;</annotation>".utf8))
        #expect(doctype == .malformedAnnotation(path: "fuzz.xml", reason: "document type declaration at byte offset 0"))
        let declaredUTF8 = outcome(Data("<?xml version='1.0' encoding='utf-8'?>\n<annotation></annotation>".utf8))
        #expect(declaredUTF8 == nil)
    }

    @Test func wrongRootAndBadNumbersAreNamed() {
        func malformed(_ reason: String) -> DatasetError { .malformedAnnotation(path: "fuzz.xml", reason: reason) }
        let wrongRoot = outcome(Data("<html><body/></html>".utf8))
        #expect(wrongRoot == malformed("root element <html>, expected <annotation> (line 1)"))
        let object = "<annotation><object><name>a</name><bndbox>"
        let badNumber = outcome(Data((object + "<xmin>x1</xmin></bndbox></object></annotation>").utf8))
        #expect(badNumber == malformed("<xmin> 'x1' is not a number (line 1)"))
        let partialBox = outcome(Data((object + "<xmin>1</xmin><ymax>2</ymax></bndbox></object></annotation>").utf8))
        #expect(partialBox == malformed("object 1 bndbox lacks ymin, xmax (line 1)"))
        let noName = outcome(Data("<annotation>\n<object><pose>Left</pose></object></annotation>".utf8))
        #expect(noName == malformed("object 1 has no name (line 2)"))
        let empty = outcome(Data())
        #expect(isMalformed(empty))
        let missing = "/nonexistent/2007_000032.xml"
        #expect(throws: DatasetError.missingFile(path: missing)) { try AnnotationXML.parse(contentsOf: missing) }
    }
}

import Foundation
import Testing

@testable import Reports

/// The fields of the run files' lines (RFC 4180), written and read back.
@Suite("CSV lines")
struct CSVLineTests {
    @Test(
        "fields round-trip, quoted only where they must be",
        arguments: [
            (["plain", "rollout:start=1", "0.41"], "plain,rollout:start=1,0.41"),
            (["dog, big", "say \"hi\"", ""], "\"dog, big\",\"say \"\"hi\"\"\","),
            (["multi\nline", "cr\rhere", "crlf\r\nhere"], "\"multi\nline\",\"cr\rhere\",\"crlf\r\nhere\""),
            // A comma or quote followed by a combining mark is one Character; it must still be quoted.
            (["a,\u{301}b", "\"\u{301}"], "\"a,\u{301}b\",\"\"\"\u{301}\""),
            ([""], ""),
        ])
    func roundTrip(fields: [String], line: String) {
        #expect(CSVLine.encode(fields) == line)
        #expect(CSVLine.decode(Substring(line)) == fields)
    }

    @Test("a quote inside an unquoted field is a literal character, as Python's csv reads it")
    func literalQuote() {
        #expect(CSVLine.decode("5\" screen,x") == ["5\" screen", "x"])
    }

    @Test(
        "a line cut inside a quoted field, or a character after a closing quote, is unreadable",
        arguments: ["3,img_3,\"dog, b", "\"open", "\"a\"b,c", "x,\"a\" ,y", "\"\"\""])
    func malformed(line: String) {
        #expect(CSVLine.decode(Substring(line)) == nil)
    }

    @Test("every cut of a row with a quoted field reads as fewer fields or not at all, never as the row")
    func cutsOfARow() {
        let fields = ["12", "img_12", "dog, big", "rollout:start=1", "iou", "0.4166666666666667"]
        let line = CSVLine.encode(fields)
        for cut in 0..<line.utf8.count {
            let prefix = Substring(String(decoding: line.utf8.prefix(cut), as: UTF8.self))
            if let decoded = CSVLine.decode(prefix) {
                #expect(decoded != fields, "cut at \(cut)")
                // A cut inside the quoted label is unreadable; elsewhere a cut loses fields or a field's end.
                #expect(decoded.count <= fields.count)
            }
        }
    }
}
